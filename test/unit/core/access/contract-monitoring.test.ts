import { describe, expect, test } from "vitest";
import { CAPABILITIES, type ContractTarget } from "../../../../src/core/access/contract.js";
import {
  buildContractWithMonitoring,
  monitoringCells,
} from "../../../../src/core/access/contract-monitoring.js";
import {
  type AccessPolicies,
  evaluateContract,
  type PolicyDocument,
} from "../../../../src/core/access/evaluate.js";
import { ROLES } from "../../../../src/core/roles.js";
import { ACCOUNT, REGION, ROLE_ARNS, referencePolicies, TARGET } from "./reference-policies.js";

/*
 * The monitoring half's cells (issue 9): trail log files that no role can
 * write, overwrite or delete, a trail log bucket no role can loosen, and keys
 * only their administrators can switch off. Evaluated here against policies
 * of the shape the module renders (trail.tf, kms.tf).
 */

const TRAIL_BUCKET = "arn:aws:s3:::strongbox-test-trail-logs";
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/strongbox-test-trail`;
const MONITORING_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/9f8e7d6c-0000-4000-8000-00000000beef`;
const KEY_ADMIN = `arn:aws:iam::${ACCOUNT}:role/key-admins`;
const READER = `arn:aws:iam::${ACCOUNT}:user/forensics`;

const target: ContractTarget = {
  ...TARGET,
  monitoring: {
    logGroupArn: TARGET.monitoring?.logGroupArn ?? "",
    trailLogBucketArn: TRAIL_BUCKET,
    monitoringKeyArn: MONITORING_KEY,
    // A session ARN (what moto calls its deployer) is skipped: no cell can be it.
    keyAdministratorArns: ["arn:aws:sts::123456789012:user/moto", KEY_ADMIN],
    trailLogReaderArns: [READER],
  },
};

const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: Statement.flat(),
});
const ROLES_ARNS = Object.values(ROLE_ARNS);

const trailBucketPolicy = doc(
  {
    Sid: "DenyLogDeletion",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
    Resource: `${TRAIL_BUCKET}/*`,
  },
  {
    Sid: "DenyWritesExceptThisTrail",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${TRAIL_BUCKET}/*`,
    Condition: { StringNotEquals: { "aws:SourceArn": TRAIL_ARN } },
  },
  {
    Sid: "DenyRolesReconfiguringTrailLogs",
    Effect: "Deny",
    Principal: "*",
    Action: [
      "s3:BypassGovernanceRetention",
      "s3:DeleteBucketPolicy",
      "s3:PutBucketObjectLockConfiguration",
      "s3:PutBucketPolicy",
      "s3:PutLifecycleConfiguration",
    ],
    Resource: [TRAIL_BUCKET, `${TRAIL_BUCKET}/*`],
    Condition: { ArnEquals: { "aws:PrincipalArn": ROLES_ARNS } },
  },
  {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [TRAIL_BUCKET, `${TRAIL_BUCKET}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  },
  {
    Sid: "LogFileValidationReadersList",
    Effect: "Allow",
    Principal: { AWS: [READER] },
    Action: ["s3:ListBucket", "s3:GetBucketLocation"],
    Resource: TRAIL_BUCKET,
  },
  {
    Sid: "LogFileValidationReadersGet",
    Effect: "Allow",
    Principal: { AWS: [READER] },
    Action: ["s3:GetObject", "s3:GetObjectVersion"],
    Resource: `${TRAIL_BUCKET}/AWSLogs/${ACCOUNT}/*`,
  },
);

const guardedKeyPolicy = (extra: PolicyDocument["Statement"][] = []) =>
  doc(
    {
      Sid: "KeyAdministration",
      Effect: "Allow",
      Principal: { AWS: [KEY_ADMIN] },
      Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DescribeKey"],
      Resource: "*",
    },
    {
      Sid: "DenyKeyLockoutExceptAdministrators",
      Effect: "Deny",
      Principal: "*",
      Action: ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
      Resource: "*",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [KEY_ADMIN] } },
    },
    ...extra,
  );

function policies(overrides: { trail?: PolicyDocument; monitoringKey?: PolicyDocument } = {}) {
  const base = referencePolicies();
  const dataKey = base.keyPolicy ?? doc();
  const dataKeyStatements = Array.isArray(dataKey.Statement)
    ? dataKey.Statement
    : [dataKey.Statement];
  return {
    ...base,
    // The data key guarded like the module's: its administrator added, the guard in front.
    keyPolicy: guardedKeyPolicy(dataKeyStatements.filter((s) => s.Sid !== "KeyAdministration")),
    extraResourcePolicies: [
      {
        name: "trail-log-bucket",
        arn: TRAIL_BUCKET,
        document: overrides.trail ?? trailBucketPolicy,
      },
      {
        name: "monitoring-key",
        arn: MONITORING_KEY,
        document: overrides.monitoringKey ?? guardedKeyPolicy(),
      },
    ],
  } satisfies AccessPolicies;
}

describe("the monitoring half's contract cells", () => {
  const cells = monitoringCells(target);

  test("cover every role on the trail log bucket and the monitoring key, and the named principals", () => {
    for (const role of ROLES) {
      const mine = cells.filter((c) => c.role === role && c.actor === undefined);
      expect(mine.filter((c) => c.capability === "logIntegrity")).toHaveLength(8);
      expect(mine.filter((c) => c.capability === "keyGuard")).toHaveLength(3);
      expect(mine.every((c) => c.expected === "deny")).toBe(true);
    }
    const admin = cells.filter((c) => c.actor === "key-administrator");
    expect(admin.map((c) => c.principal)).toEqual(Array(6).fill(KEY_ADMIN));
    expect(new Set(admin.map((c) => c.resource))).toEqual(
      new Set([TARGET.kmsKeyArn, MONITORING_KEY]),
    );
    expect(cells.filter((c) => c.actor === "trail-log-reader")).toHaveLength(5);
  });

  test("with the full contract, every capability has a cell for every role", () => {
    const all = buildContractWithMonitoring(target);
    for (const capability of Object.keys(CAPABILITIES)) {
      for (const role of ROLES) {
        expect(all.some((c) => c.capability === capability && c.role === role)).toBe(true);
      }
    }
  });

  test("are absent when the target does not name the trail log bucket and monitoring key", () => {
    expect(monitoringCells(TARGET)).toEqual([]);
  });

  test("hold on policies of the module's shape", async () => {
    const results = await evaluateContract(cells, policies());
    expect(results.filter((r) => !r.ok).map((r) => `${r.cell.id}: ${r.verdict}`)).toEqual([]);
  });

  test("go red when a role could overwrite trail logs (the write deny turned into an allow)", async () => {
    const broken = JSON.parse(JSON.stringify(trailBucketPolicy)) as PolicyDocument;
    for (const s of broken.Statement as Array<{ Sid?: string; Effect: string }>) {
      if (s.Sid === "DenyWritesExceptThisTrail") s.Effect = "Allow";
    }
    const results = await evaluateContract(cells, policies({ trail: broken }));
    expect(results.filter((r) => !r.ok).map((r) => r.cell.id)).toEqual(
      expect.arrayContaining(ROLES.map((role) => `${role}/s3:PutObject/trail-log-file`)),
    );
  });

  test("go red when the key administrator is caught by the lockout guard too", async () => {
    const unguarded = guardedKeyPolicy();
    for (const s of unguarded.Statement as Array<{ Sid?: string; Condition?: unknown }>) {
      if (s.Sid === "DenyKeyLockoutExceptAdministrators") delete s.Condition;
    }
    const results = await evaluateContract(cells, policies({ monitoringKey: unguarded }));
    expect(
      results
        .filter((r) => !r.ok)
        .map((r) => r.cell.id)
        .sort(),
    ).toEqual([
      "key-administrator/kms:DisableKey/monitoring-key",
      "key-administrator/kms:PutKeyPolicy/monitoring-key",
      "key-administrator/kms:ScheduleKeyDeletion/monitoring-key",
    ]);
  });

  test("route each cell to its resource's policy: without the trail bucket's, the reader reads nothing", async () => {
    const withoutTrail = policies();
    withoutTrail.extraResourcePolicies = withoutTrail.extraResourcePolicies.filter(
      (p) => p.name !== "trail-log-bucket",
    );
    const reads = cells.filter((c) => c.actor === "trail-log-reader" && c.expected === "allow");
    const results = await evaluateContract(reads, withoutTrail);
    expect(results.map((r) => r.actual)).toEqual(["deny", "deny"]);
  });
});
