import type { SimulateCustomPolicyCommandInput } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { buildContract, type ContractCell } from "../../../../src/core/access/contract.js";
import type { AccessPolicies } from "../../../../src/core/access/evaluate.js";
import {
  asSeenByCaller,
  contextEntryOf,
  evaluateWithIamSimulator,
  type IamSimulator,
  standInCallerOf,
} from "../../../../src/core/access/iam-simulator.js";
import { ROLE_ARNS, referencePolicies, TARGET } from "./reference-policies.js";

const cells = buildContract(TARGET);

describe("contextEntryOf", () => {
  it.each([
    ["aws:SecureTransport", "true", "boolean"],
    ["aws:MultiFactorAuthPresent", "false", "boolean"],
    ["s3:signatureAge", "60000", "numeric"],
    ["aws:MultiFactorAuthAge", "300", "numeric"],
    ["aws:PrincipalArn", "arn:aws:iam::1:role/x", "string"],
    ["kms:EncryptionContextKeys", ["aws:s3:arn"], "stringList"],
  ] as const)("%s is sent as %s", (key, value, type) => {
    const entry = contextEntryOf(key, value as string | string[]);
    expect(entry.ContextKeyType).toBe(type);
    expect(entry.ContextKeyValues).toEqual(Array.isArray(value) ? value : [value]);
  });
});

describe("evaluateWithIamSimulator (request shaping)", () => {
  it("sends identity + boundary policies, the right resource policy, a stand-in user caller", async () => {
    const requests: SimulateCustomPolicyCommandInput[] = [];
    const simulator: IamSimulator = {
      async simulate(request) {
        requests.push(request);
        const action = request.ActionNames?.[0] ?? "";
        return {
          EvalActionName: action,
          EvalDecision: action === "s3:GetObject" ? "allowed" : "implicitDeny",
          MatchedStatements: [{ SourcePolicyId: "PolicyInputList.1", SourcePolicyType: "user" }],
        };
      },
    };
    const policies = referencePolicies();
    const sample = [
      cells.find((c) => c.id === "viewer/s3:GetObject"),
      cells.find((c) => c.id === "viewer/kms:Decrypt"),
      cells.find((c) => c.id === "admin/logs:StartQuery"),
    ] as ContractCell[];
    expect(sample.every(Boolean)).toBe(true);
    const results = await evaluateWithIamSimulator(sample, policies, simulator);

    const [s3, kms, logs] = requests;
    expect(s3?.ResourcePolicy).toBe(JSON.stringify(policies.bucketPolicy));
    expect(s3?.CallerArn).toBe(standInCallerOf(policies));
    expect(s3?.ResourceOwner).toBe(`arn:aws:iam::${TARGET.accountId}:root`);
    expect(s3?.PolicyInputList).toEqual(
      policies.identityPolicies.viewer.map((p) => JSON.stringify(p.document)),
    );
    expect(s3?.ResourceArns).toEqual([sample[0]?.resource]);
    expect(s3?.ContextEntries?.find((e) => e.ContextKeyName === "aws:SecureTransport")).toEqual({
      ContextKeyName: "aws:SecureTransport",
      ContextKeyValues: ["true"],
      ContextKeyType: "boolean",
    });
    // The key policy's statements naming the viewer role name the stand-in caller instead.
    const caller = standInCallerOf(policies);
    expect(kms?.ResourcePolicy).toBe(
      JSON.stringify(policies.keyPolicy).replaceAll(`"${ROLE_ARNS.viewer}"`, `"${caller}"`),
    );
    expect(kms?.ResourcePolicy).toContain(ROLE_ARNS.uploader);
    expect(logs?.ResourcePolicy).toBeUndefined();
    expect(logs?.CallerArn).toBeUndefined();

    expect(results.map((r) => [r.cell.id, r.actual, r.verdict, r.engine])).toEqual([
      ["viewer/s3:GetObject", "allow", "allowed", "aws-iam-simulator"],
      ["viewer/kms:Decrypt", "deny", "implicitDeny", "aws-iam-simulator"],
      ["admin/logs:StartQuery", "deny", "implicitDeny", "aws-iam-simulator"],
    ]);
    expect(results[0]?.decidedBy).toEqual(["user:PolicyInputList.1"]);
    // viewer/kms:Decrypt is allowed by the contract, so the report would flag it.
    expect(results[1]?.ok).toBe(false);
  });

  it("a cell on the trail log bucket or the monitoring key goes with that resource's own policy", async () => {
    const requests: SimulateCustomPolicyCommandInput[] = [];
    const simulator: IamSimulator = {
      async simulate(request) {
        requests.push(request);
        return { EvalActionName: request.ActionNames?.[0] ?? "", EvalDecision: "implicitDeny" };
      },
    };
    const trailPolicy = { Version: "2012-10-17", Statement: [] };
    const keyPolicy = { Version: "2012-10-17", Statement: [{ Sid: "k" }] };
    const policies = {
      ...referencePolicies(),
      extraResourcePolicies: [
        { name: "trail-log-bucket", arn: "arn:aws:s3:::trail-logs", document: trailPolicy },
        { name: "monitoring-key", arn: "arn:aws:kms:us-east-1:1:key/m", document: keyPolicy },
      ],
    } as AccessPolicies;
    const base = cells.find((c) => c.id === "admin/s3:GetBucketPolicy") as ContractCell;
    await evaluateWithIamSimulator(
      [
        { ...base, resource: "arn:aws:s3:::trail-logs/AWSLogs/1/x.json.gz" },
        { ...base, action: "kms:DisableKey", resource: "arn:aws:kms:us-east-1:1:key/m" },
        base,
      ],
      policies,
      simulator,
    );
    expect(requests.map((r) => r.ResourcePolicy)).toEqual([
      JSON.stringify(trailPolicy),
      JSON.stringify(keyPolicy),
      JSON.stringify(policies.bucketPolicy),
    ]);
  });
});

describe("asSeenByCaller", () => {
  const caller = "arn:aws:iam::1:user/stand-in";
  const role = "arn:aws:iam::1:role/sb-admin";
  it("names the caller where a statement's Principal names the acting role, and nothing else", () => {
    const document = {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "a",
          Effect: "Allow" as const,
          Principal: { AWS: role },
          Action: "kms:GetKeyPolicy",
        },
        {
          Sid: "b",
          Effect: "Deny" as const,
          Principal: "*",
          Action: "kms:DisableKey",
          Condition: { ArnNotEquals: { "aws:PrincipalArn": [role] } },
        },
        { Sid: "c", Effect: "Allow" as const, Principal: { AWS: ["arn:aws:iam::1:role/x", role] } },
        { Sid: "d", Effect: "Allow" as const, Principal: { Service: "s3.amazonaws.com" } },
      ],
    };
    const seen = asSeenByCaller(document, role, caller);
    expect(seen.Statement).toEqual([
      { ...document.Statement[0], Principal: { AWS: caller } },
      document.Statement[1],
      { ...document.Statement[2], Principal: { AWS: ["arn:aws:iam::1:role/x", caller] } },
      document.Statement[3],
    ]);
    expect(asSeenByCaller(document, undefined, caller)).toBe(document);
  });
});
