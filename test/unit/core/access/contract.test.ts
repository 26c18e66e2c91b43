import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  buildContract,
  CAPABILITIES,
  type ContractCell,
} from "../../../../src/core/access/contract.js";
import { ROLES } from "../../../../src/core/roles.js";
import { ROLE_ARNS, TARGET } from "./reference-policies.js";

const cells = buildContract(TARGET);
const find = (id: string): ContractCell => {
  const cell = cells.find((c) => c.id === id);
  if (cell === undefined) throw new Error(`no cell ${id}`);
  return cell;
};

describe("the access contract table", () => {
  test("has one cell per row and role, and its denial rows", () => {
    expect(cells.length).toBeGreaterThanOrEqual(100);
    expect(new Set(cells.map((c) => c.id)).size).toBe(cells.length);
    // The monitoring half's own capabilities (contract-monitoring.test.ts) need its resources.
    const monitoringOnly = new Set(["logIntegrity", "keyGuard"]);
    for (const capability of Object.keys(CAPABILITIES).filter((c) => !monitoringOnly.has(c))) {
      for (const role of ROLES) {
        expect(cells.some((c) => c.capability === capability && c.role === role)).toBe(true);
      }
    }
  });

  test.each([
    ["uploader", "s3:PutObject", "allow"],
    ["uploader", "s3:GetObject", "deny"],
    ["uploader", "s3:ListBucket", "deny"],
    ["viewer", "s3:PutObject", "deny"],
    ["viewer", "s3:GetObjectVersion", "allow"],
    ["viewer", "s3:ListBucketVersions", "allow"],
    ["viewer", "s3:DeleteObject", "deny"],
    ["admin", "s3:DeleteObject", "allow"],
    ["admin", "s3:DeleteObjectVersion", "allow"],
    ["viewer", "kms:GenerateDataKey", "deny"],
    ["viewer", "kms:Decrypt", "allow"],
    ["uploader", "kms:Decrypt", "allow"],
    ...ROLES.flatMap((role) => [
      [role, "s3:PutBucketPolicy", "deny"],
      [role, "s3:PutLifecycleConfiguration", "deny"],
      [role, "logs:StartQuery", role === "admin" ? "allow" : "deny"],
    ]),
  ])("matches ARCHITECTURE §2: %s %s → %s", (role, action, expected) => {
    expect(find(`${role}/${action}`).expected).toBe(expected);
  });

  test("denial variants carry the context that makes them wrong", () => {
    expect(find("viewer/s3:GetObject/plain-http").context["aws:SecureTransport"]).toBe("false");
    expect(find("uploader/s3:PutObject/sigv2").context["s3:signatureversion"]).toBe("AWS");
    expect(Number(find("admin/s3:GetObject/old-signature").context["s3:signatureAge"])).toBe(
      3_601_000,
    );
    expect(find("admin/s3:DeleteObjectVersion/no-mfa").context["aws:MultiFactorAuthPresent"]).toBe(
      "false",
    );
    expect(find("admin/kms:Decrypt/direct-call").context["kms:ViaService"]).toBeUndefined();
    expect(find("uploader/kms:GenerateDataKey/other-region").context["kms:ViaService"]).toBe(
      "s3.eu-west-1.amazonaws.com",
    );
    const wrongKey = find("uploader/s3:PutObject/sse-kms-other-key");
    expect(wrongKey.expected).toBe("deny");
    expect(wrongKey.context["s3:x-amz-server-side-encryption-aws-kms-key-id"]).not.toBe(
      TARGET.kmsKeyArn,
    );
  });

  test("requests are made by each role's session, on the deployment's resources", () => {
    const cell = find("viewer/s3:GetObject");
    expect(cell.principal).toBe("arn:aws:sts::123456789012:assumed-role/strongbox-viewer/alice");
    expect(cell.context["aws:PrincipalArn"]).toBe(ROLE_ARNS.viewer);
    expect(cell.resource.startsWith(`${TARGET.bucketArn}/`)).toBe(true);
    expect(find("admin/kms:Decrypt").resource).toBe(TARGET.kmsKeyArn);
  });

  test("without a signature-age cap or monitoring, those cells are left out", () => {
    const bare = buildContract({
      ...TARGET,
      maxSignatureAgeMs: undefined,
      monitoring: undefined,
    });
    expect(bare.some((c) => c.variant === "old-signature")).toBe(false);
    expect(bare.some((c) => c.capability === "audit")).toBe(false);
    expect(bare.some((c) => c.capability === "monitoring")).toBe(false);
    const monitoringCells = cells.filter((c) => c.capability === "monitoring").length;
    expect(monitoringCells).toBe(3 * 15);
    // 10 old-signature variants; 7 audit calls × 3 roles.
    expect(bare.length).toBe(cells.length - 10 - 21 - monitoringCells);
  });
});

describe("reading back what is deployed (`strongbox access`)", () => {
  const inspect = cells.filter((c) => c.capability === "inspect");

  test("is the Admin's alone, on each of the three roles, the bucket and the data key", () => {
    for (const cell of inspect)
      expect(cell.expected).toBe(cell.role === "admin" ? "allow" : "deny");
    const admin = inspect.filter((c) => c.role === "admin");
    for (const arn of Object.values(ROLE_ARNS)) {
      expect(admin.some((c) => c.action === "iam:GetRolePolicy" && c.resource === arn)).toBe(true);
    }
    expect(admin.find((c) => c.action === "s3:GetBucketPolicy")?.resource).toBe(TARGET.bucketArn);
    expect(admin.find((c) => c.action === "kms:GetKeyPolicy")?.resource).toBe(TARGET.kmsKeyArn);
  });

  test("has a cell for every AWS call the command makes", () => {
    const sources = ["deployed.ts", "iam-simulator.ts"].map((file) =>
      readFileSync(new URL(`../../../../src/core/access/${file}`, import.meta.url), "utf8"),
    );
    const calls = new Set(
      sources.flatMap((text) => [...text.matchAll(/new (\w+)Command\(/g)].map((m) => m[1])),
    );
    expect(calls.size).toBeGreaterThanOrEqual(9);
    const operations = new Set(inspect.flatMap((c) => c.operations));
    for (const call of calls) expect(operations, call).toContain(call);
  });
});
