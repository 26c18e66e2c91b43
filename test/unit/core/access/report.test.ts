import { describe, expect, it } from "vitest";
import { buildContract, type ContractCell } from "../../../../src/core/access/contract.js";
import { buildContractWithMonitoring } from "../../../../src/core/access/contract-monitoring.js";
import { evaluateContract } from "../../../../src/core/access/evaluate.js";
import {
  buildAccessReport,
  type EvaluatedCell,
  fromLocalEngine,
} from "../../../../src/core/access/report.js";
import { evaluatedAsContract } from "./evaluated-cells.js";
import { referencePolicies, TARGET } from "./reference-policies.js";

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
