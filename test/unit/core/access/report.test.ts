import type { SimulateCustomPolicyCommandInput } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { contractTargetOf, omittedRows, policyNotes } from "../../../../src/core/access/check.js";
import { buildContract, type ContractCell } from "../../../../src/core/access/contract.js";
import { buildContractWithMonitoring } from "../../../../src/core/access/contract-monitoring.js";
import type { AccessPolicies } from "../../../../src/core/access/evaluate.js";
import { evaluateContract } from "../../../../src/core/access/evaluate.js";
import {
  asSeenByCaller,
  contextEntryOf,
  evaluateWithIamSimulator,
  type IamSimulator,
  standInCallerOf,
} from "../../../../src/core/access/iam-simulator.js";
import {
  buildAccessReport,
  type EvaluatedCell,
  fromLocalEngine,
} from "../../../../src/core/access/report.js";
import { testConfig } from "../../../support/config.js";
import { evaluatedAsContract } from "./evaluated-cells.js";
import { ROLE_ARNS, referencePolicies, TARGET } from "./reference-policies.js";

const asContract = (cells: ContractCell[], flipped: string[] = []): EvaluatedCell[] =>
  evaluatedAsContract(cells, { flipped, decidedBy: ["policy#1"] });

const cells = buildContract(TARGET);
const entry = (report: ReturnType<typeof buildAccessReport>, capability: string, role: string) =>
  report.matrix.find((m) => m.capability === capability && m.role === role);

describe("buildAccessReport", () => {
  it("folds the cells into the §2 table with nothing flagged when all match", () => {
    const report = buildAccessReport(asContract(cells), "iam-simulate");
    expect(report.totals).toEqual({ cells: cells.length, matching: cells.length, differing: 0 });
    expect(report.flagged).toEqual([]);
    const row = (capability: string) =>
      ["uploader", "viewer", "admin"].map((role) => entry(report, capability, role)?.actual);
    expect(row("put")).toEqual(["yes", "no", "yes"]);
    expect(row("get")).toEqual(["no", "yes", "yes"]);
    expect(row("list")).toEqual(["no", "yes", "yes"]);
    expect(row("delete")).toEqual(["no", "no", "yes"]);
    expect(row("deleteVersion")).toEqual(["no", "no", "with MFA"]);
    expect(row("bucketAdmin")).toEqual(["no", "no", "no"]);
    expect(row("kms")).toEqual(["GenerateDataKey+Decrypt", "Decrypt", "GenerateDataKey+Decrypt"]);
    expect(row("audit")).toEqual(["no", "no", "yes"]);
    expect(row("insecure")).toEqual(["no", "no", "no"]);
    expect(report.matrix.every((m) => m.actual === m.expected && !m.flagged)).toBe(true);
    expect(report.engineDescription).toMatch(/iam-simulate/);
  });

  it("keeps the key administrators' and trail log readers' cells apart from the Admin role's", () => {
    const monitored = buildContractWithMonitoring({
      ...TARGET,
      monitoring: {
        logGroupArn: TARGET.monitoring?.logGroupArn ?? "",
        trailLogBucketArn: "arn:aws:s3:::strongbox-test-trail-logs",
        monitoringKeyArn:
          "arn:aws:kms:us-east-1:123456789012:key/9f8e7d6c-0000-4000-8000-00000000beef",
        keyAdministratorArns: ["arn:aws:iam::123456789012:role/key-admins"],
        trailLogReaderArns: ["arn:aws:iam::123456789012:user/forensics"],
      },
    });
    const report = buildAccessReport(asContract(monitored), "iam-simulate");
    expect(entry(report, "keyGuard", "admin")?.actual).toBe("no (key administrators: yes)");
    expect(entry(report, "keyGuard", "viewer")?.actual).toBe("no");
    expect(entry(report, "logIntegrity", "admin")?.actual).toMatch(
      /^no \(trail log readers: partial \(\d+\/\d+\)\)$/,
    );
    // A key administrator refused (the key policy lost them) shows in their part only.
    const lost = buildAccessReport(
      asContract(monitored, ["key-administrator/kms:ScheduleKeyDeletion/data-key"]),
      "iam-simulate",
    );
    const keyGuard = entry(lost, "keyGuard", "admin");
    expect(keyGuard?.actual).toMatch(/^no \(key administrators: partial \(5\/6\)\)$/);
    expect(keyGuard?.flagged).toBe(true);
  });

  it("flags exactly the entries whose cells differ, and lists those cells", () => {
    const report = buildAccessReport(
      asContract(cells, ["viewer/s3:PutObject", "admin/s3:DeleteObjectVersion/no-mfa"]),
      "aws-iam-simulator",
    );
    expect(report.totals.differing).toBe(2);
    expect(report.flagged.map((f) => f.id).sort()).toEqual([
      "admin/s3:DeleteObjectVersion/no-mfa",
      "viewer/s3:PutObject",
    ]);
    const viewerPut = entry(report, "put", "viewer");
    expect(viewerPut?.flagged).toBe(true);
    expect(viewerPut?.actual).toBe("partial (1/3)");
    expect(viewerPut?.expected).toBe("no");
    const adminDeleteVersion = entry(report, "deleteVersion", "admin");
    expect(adminDeleteVersion?.flagged).toBe(true);
    expect(adminDeleteVersion?.actual).toBe("yes, even without MFA");
    expect(report.matrix.filter((m) => m.flagged)).toHaveLength(2);
    expect(report.flagged[0]?.decidedBy).toEqual(["policy#1"]);
  });

  it("an allowed insecure variant shows in the insecure row", () => {
    const report = buildAccessReport(
      asContract(cells, ["uploader/s3:PutObject/plain-http"]),
      "iam-simulate",
    );
    const insecure = entry(report, "insecure", "uploader");
    expect(insecure?.flagged).toBe(true);
    expect(insecure?.actual).toMatch(/^partial \(1\/\d+\)$/);
    expect(entry(report, "put", "uploader")?.flagged).toBe(false);
  });
});

describe("the local engine on the reference deployment", () => {
  it("gives the contract's matrix with nothing flagged", async () => {
    const report = buildAccessReport(
      fromLocalEngine(await evaluateContract(cells, referencePolicies())),
      "iam-simulate",
    );
    expect(report.flagged.map((f) => f.id)).toEqual([]);
    expect(report.engine).toBe("iam-simulate");
  });
});

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

describe("policyNotes", () => {
  it("says when the bucket has no policy, and why on the local stack", () => {
    const base = { bucket: "b", adminMfaRequired: true, forcePathStyle: false };
    const bare = { ...referencePolicies(), bucketPolicy: undefined };
    expect(policyNotes(referencePolicies(), testConfig(base))).toEqual([]);
    const [aws] = policyNotes(bare, testConfig(base));
    expect(aws).toMatch(
      /^the bucket b has no bucket policy, so the cells only it decides .* differ$/,
    );
    const [local] = policyNotes(bare, testConfig({ ...base, endpoint: "http://127.0.0.1:4566" }));
    expect(local).toMatch(/the local stack leaves it unattached/);
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

describe("contractTargetOf", () => {
  it("derives the account from the role ARNs and the audit row from the log group", () => {
    const config = testConfig({
      bucket: "b",
      adminMfaRequired: true,
      forcePathStyle: false,
      monitoring: { logGroupName: "/sb/trail", alarmNames: [], queryNames: {} },
    });
    const target = contractTargetOf(config);
    expect(target.accountId).toBe("123456789012");
    expect(target.bucketArn).toBe("arn:aws:s3:::b");
    expect(target.monitoring?.logGroupArn).toBe(
      "arn:aws:logs:us-east-1:123456789012:log-group:/sb/trail",
    );
    expect(contractTargetOf({ ...config, monitoring: undefined }).monitoring).toBeUndefined();
  });

  it("says which rows a config too old or without monitoring leaves out, and how to fix it", () => {
    const base = { bucket: "b", adminMfaRequired: true, forcePathStyle: false };
    expect(omittedRows(testConfig(base))).toEqual([
      expect.stringMatching(/^the monitoring half .*no trail log group; run `strongbox configure/),
    ]);
    const old = testConfig({
      ...base,
      monitoring: { logGroupName: "/sb/trail", alarmNames: [], queryNames: {} },
    });
    expect(omittedRows(old)).toEqual([
      expect.stringMatching(
        /^trail log files and the keys' guard .*; changes to the trail .*configure/,
      ),
    ]);
    const full = testConfig({
      ...base,
      monitoring: {
        logGroupName: "/sb/trail",
        alarmNames: [],
        queryNames: {},
        trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
        trailLogBucket: "logs",
        monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
      },
    });
    expect(omittedRows(full)).toEqual([]);
  });

  it("names every monitoring resource the config holds, so the command checks the whole contract", () => {
    const config = testConfig({
      bucket: "b",
      adminMfaRequired: true,
      forcePathStyle: false,
      maxSignatureAgeMs: 600000,
      monitoring: {
        logGroupName: "/sb/trail",
        alarmNames: ["sb-access-denied", "sb-failed-uploads"],
        queryNames: {},
        trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
        eventRuleName: "sb-activity",
        topicArns: ["arn:aws:sns:us-east-1:123456789012:sb-alerts"],
        trailLogBucket: "sb-trail-logs",
        monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
        keyAdministratorArns: ["arn:aws:iam::123456789012:user/keys"],
      },
    });
    const target = contractTargetOf(config);
    expect(target.maxSignatureAgeMs).toBe(600000);
    expect(target.monitoring).toEqual({
      logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/sb/trail",
      trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
      alarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:sb-access-denied",
      eventRuleArn: "arn:aws:events:us-east-1:123456789012:rule/sb-activity",
      topicArns: ["arn:aws:sns:us-east-1:123456789012:sb-alerts"],
      trailLogBucketArn: "arn:aws:s3:::sb-trail-logs",
      monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
      keyAdministratorArns: ["arn:aws:iam::123456789012:user/keys"],
    });
  });
});
