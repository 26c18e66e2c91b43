import { describe, expect, test } from "vitest";
import {
  buildContract,
  CAPABILITIES,
  type ContractCell,
} from "../../../src/core/access/contract.js";
import { ROLES } from "../../../src/core/roles.js";
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

  test("matches ARCHITECTURE §2 for each role's ordinary requests", () => {
    const plain = (role: string, action: string) => find(`${role}/${action}`).expected;
    expect(plain("uploader", "s3:PutObject")).toBe("allow");
    expect(plain("uploader", "s3:GetObject")).toBe("deny");
    expect(plain("uploader", "s3:ListBucket")).toBe("deny");
    expect(plain("viewer", "s3:PutObject")).toBe("deny");
    expect(plain("viewer", "s3:GetObjectVersion")).toBe("allow");
    expect(plain("viewer", "s3:ListBucketVersions")).toBe("allow");
    expect(plain("viewer", "s3:DeleteObject")).toBe("deny");
    expect(plain("admin", "s3:DeleteObject")).toBe("allow");
    expect(plain("admin", "s3:DeleteObjectVersion")).toBe("allow");
    expect(plain("viewer", "kms:GenerateDataKey")).toBe("deny");
    expect(plain("viewer", "kms:Decrypt")).toBe("allow");
    expect(plain("uploader", "kms:Decrypt")).toBe("allow");
    for (const role of ROLES) {
      expect(plain(role, "s3:PutBucketPolicy")).toBe("deny");
      expect(plain(role, "s3:PutLifecycleConfiguration")).toBe("deny");
      expect(plain(role, "logs:StartQuery")).toBe(role === "admin" ? "allow" : "deny");
    }
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
    expect(bare.length).toBe(cells.length - 10 - 9 - monitoringCells);
  });
});
