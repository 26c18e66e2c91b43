import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { buildContract } from "../../../../src/core/access/contract.js";
import type { Role } from "../../../../src/core/roles.js";
import { TARGET } from "./reference-policies.js";

/*
 * Every AWS SDK command the product sends, the IAM actions it needs and the
 * roles that send it. The emulator enforces no IAM, so a call the deployed
 * policies do not grant passes every local test and fails only on AWS (the
 * page's list of unfinished uploads and `strongbox access` did). Here each
 * call must be a contract cell its roles are allowed; the access-contract
 * integration test proves those cells on the policies Terraform deployed.
 */
type Call =
  | { actions: string[]; roles: Role[] }
  /** Sent to be refused (selftest's proof that settings are Terraform's). */
  | { refusedFor: Role; actions: string[] }
  /** Sent with the person's own identity, before any role (login). */
  | { ownIdentity: true };

const ADMIN: Role[] = ["admin"];
const READERS: Role[] = ["viewer", "admin"];
const CALLS: Record<string, Call> = {
  ListObjectsV2: { actions: ["s3:ListBucket"], roles: READERS },
  ListObjectVersions: { actions: ["s3:ListBucketVersions"], roles: READERS },
  HeadObject: { actions: ["s3:GetObject"], roles: READERS },
  ListMultipartUploads: { actions: ["s3:ListBucketMultipartUploads"], roles: ADMIN },
  AbortMultipartUpload: { actions: ["s3:AbortMultipartUpload"], roles: ["uploader", "admin"] },
  DeleteObject: { actions: ["s3:DeleteObject"], roles: ADMIN },
  // `restore`: a copy of an older version onto the key.
  CopyObject: { actions: ["s3:PutObject", "s3:GetObjectVersion"], roles: ADMIN },
  CreateMultipartUpload: { actions: ["s3:PutObject"], roles: ADMIN },
  UploadPartCopy: { actions: ["s3:PutObject", "s3:GetObjectVersion"], roles: ADMIN },
  CompleteMultipartUpload: { actions: ["s3:PutObject"], roles: ADMIN },
  DescribeAlarms: { actions: ["cloudwatch:DescribeAlarms"], roles: ADMIN },
  DescribeAlarmHistory: { actions: ["cloudwatch:DescribeAlarmHistory"], roles: ADMIN },
  GetMetricData: { actions: ["cloudwatch:GetMetricData"], roles: ADMIN },
  DescribeQueryDefinitions: { actions: ["logs:DescribeQueryDefinitions"], roles: ADMIN },
  StartQuery: { actions: ["logs:StartQuery"], roles: ADMIN },
  GetQueryResults: { actions: ["logs:GetQueryResults"], roles: ADMIN },
  StopQuery: { actions: ["logs:StopQuery"], roles: ADMIN },
  GetRole: { actions: ["iam:GetRole"], roles: ADMIN },
  ListRolePolicies: { actions: ["iam:ListRolePolicies"], roles: ADMIN },
  GetRolePolicy: { actions: ["iam:GetRolePolicy"], roles: ADMIN },
  ListAttachedRolePolicies: { actions: ["iam:ListAttachedRolePolicies"], roles: ADMIN },
  GetPolicy: { actions: ["iam:GetPolicy"], roles: ADMIN },
  GetPolicyVersion: { actions: ["iam:GetPolicyVersion"], roles: ADMIN },
  GetBucketPolicy: { actions: ["s3:GetBucketPolicy"], roles: ADMIN },
  GetKeyPolicy: { actions: ["kms:GetKeyPolicy"], roles: ADMIN },
  SimulateCustomPolicy: { actions: ["iam:SimulateCustomPolicy"], roles: ADMIN },
  PutBucketVersioning: { refusedFor: "admin", actions: ["s3:PutBucketVersioning"] },
  AssumeRole: { ownIdentity: true },
  GetSessionToken: { ownIdentity: true },
  GetCallerIdentity: { ownIdentity: true },
};

const SRC = new URL("../../../../src/", import.meta.url).pathname;
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}
const sent = new Set(
  sources(SRC).flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/\bnew (\w+)Command\(/g)].map((m) => m[1] as string),
  ),
);
const cells = buildContract(TARGET);

describe("every AWS call the product makes is in the access contract", () => {
  test("the list above names every SDK command in src/, and nothing else", () => {
    expect(sent.size).toBeGreaterThan(20);
    expect([...sent].sort()).toEqual(Object.keys(CALLS).sort());
  });

  test.each(Object.entries(CALLS))(
    "%s: a cell for each action, allowed to the roles that send it",
    (_, call) => {
      if ("ownIdentity" in call) return;
      const roles = "roles" in call ? call.roles : [call.refusedFor];
      const expected = "roles" in call ? "allow" : "deny";
      for (const role of roles) {
        for (const action of call.actions) {
          const match = cells.filter((c) => c.role === role && c.action === action);
          expect(
            match.map((c) => c.expected),
            `${role} ${action}`,
          ).toContain(expected);
        }
      }
    },
  );
});
