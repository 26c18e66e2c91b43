import { ROLES } from "../roles.js";
import {
  CONTRACT_OBJECT_KEY,
  freshMfaAge,
  kmsContext,
  mfaWindowOf,
  otherKeyArn,
  otherRegion,
  s3Context,
  sessionArnOf,
  sessionContext,
} from "./contract-context.js";
import { hardeningCells } from "./contract-hardening.js";
import { inspectCells } from "./contract-inspect.js";
import {
  AUDIT_ALLOWED,
  AUDIT_OPERATIONS,
  BUCKET_ADMIN_OPERATIONS,
  KMS_ALLOWED,
  KMS_DATA_ACTIONS,
  KMS_KEY_ADMIN_ACTIONS,
  S3_OPERATIONS,
  type S3Operation,
  s3OperationRow,
} from "./contract-table.js";
import type { ContractCell, ContractTarget, Decision, RequestContext } from "./contract-types.js";

/**
 * The access contract of ARCHITECTURE §2 as cells: one per (capability, role,
 * IAM action, request context) with the decision the deployed policies must
 * produce, built from the table (contract-table.ts) for one deployment. The
 * evaluator (evaluate.ts) runs every cell against the identity, bucket and key
 * policies together; `strongbox access` renders them.
 */

export { roleNameOf } from "./contract-context.js";
export { CAPABILITIES, s3GrantsOf } from "./contract-table.js";
export type {
  Capability,
  ContextValue,
  ContractCell,
  ContractTarget,
  Decision,
  MonitoringTarget,
  RequestContext,
} from "./contract-types.js";

/** Every cell of the contract for one deployment. */
export function buildContract(t: ContractTarget): ContractCell[] {
  const cells: ContractCell[] = [];
  const objectArn = `${t.bucketArn}/${CONTRACT_OBJECT_KEY}`;
  const add = (cell: Omit<ContractCell, "id" | "principal"> & { principal?: string }) => {
    const id = [cell.role, cell.action, cell.variant].filter(Boolean).join("/");
    const { principal, variant, ...rest } = cell;
    cells.push({
      id,
      principal: principal ?? sessionArnOf(t, cell.role),
      ...rest,
      ...(variant ? { variant } : {}),
    });
  };

  for (const role of ROLES) {
    // The table's S3 rows, as each role's normal request.
    for (const op of S3_OPERATIONS) {
      const resource = op.level === "object" ? objectArn : t.bucketArn;
      const base = {
        capability: op.capability,
        role,
        operations: op.operations,
        action: op.action,
        resource,
      };
      add({
        ...base,
        context: s3Context(t, role, op),
        expected: op.allowed[role] ? "allow" : "deny",
      });
      if (!op.allowed[role]) continue;
      // Denial variants of every allowed request.
      const insecure = { ...base, capability: "insecure" as const, expected: "deny" as const };
      add({
        ...insecure,
        variant: "plain-http",
        context: { ...s3Context(t, role, op), "aws:SecureTransport": "false" },
      });
      add({
        ...insecure,
        variant: "sigv2",
        context: { ...s3Context(t, role, op), "s3:signatureversion": "AWS" },
      });
      if (op.presigned && t.maxSignatureAgeMs !== undefined) {
        add({
          ...insecure,
          variant: "old-signature",
          context: {
            ...s3Context(t, role, op),
            "s3:signatureAge": String(t.maxSignatureAgeMs + 1000),
          },
        });
      }
    }

    // Permanent delete needs MFA in the session, and is the Admin's alone.
    const deleteVersion = s3OperationRow("s3:DeleteObjectVersion");
    const deleteVersionBase = {
      capability: "deleteVersion" as const,
      role,
      operations: deleteVersion.operations,
      action: deleteVersion.action,
      resource: objectArn,
      expected: "deny" as const,
    };
    if (role === "admin") {
      add({
        ...deleteVersionBase,
        variant: "no-mfa",
        context: {
          ...s3Context(t, role, deleteVersion),
          "aws:MultiFactorAuthPresent": "false",
        },
      });
      const {
        "aws:MultiFactorAuthPresent": _p,
        "aws:MultiFactorAuthAge": _a,
        ...noMfaKey
      } = s3Context(t, role, deleteVersion);
      add({ ...deleteVersionBase, variant: "mfa-key-absent", context: noMfaKey });
    } else {
      add({
        ...deleteVersionBase,
        variant: "with-mfa",
        context: {
          ...s3Context(t, role, deleteVersion),
          "aws:MultiFactorAuthPresent": "true",
          "aws:MultiFactorAuthAge": freshMfaAge(t),
        },
      });
    }

    // Bucket configuration: Terraform's deployer only.
    for (const [action, operation] of BUCKET_ADMIN_OPERATIONS) {
      add({
        capability: "bucketAdmin",
        role,
        operations: [operation],
        action,
        resource: t.bucketArn,
        context: s3Context(t, role, { presigned: false }),
        expected: "deny",
      });
    }

    // Writes that name an encryption: only our key, only SSE-KMS.
    const put = s3OperationRow("s3:PutObject");
    if (put.allowed[role]) {
      const sse = (variant: string, headers: RequestContext, expected: Decision) =>
        add({
          capability: expected === "allow" ? "put" : "insecure",
          role,
          operations: ["PutObject", "CreateMultipartUpload"],
          action: put.action,
          resource: objectArn,
          variant,
          context: { ...s3Context(t, role, put), ...headers },
          expected,
        });
      sse(
        "sse-kms-this-key",
        {
          "s3:x-amz-server-side-encryption": "aws:kms",
          "s3:x-amz-server-side-encryption-aws-kms-key-id": t.kmsKeyArn,
        },
        "allow",
      );
      sse(
        "sse-kms-other-key",
        {
          "s3:x-amz-server-side-encryption": "aws:kms",
          "s3:x-amz-server-side-encryption-aws-kms-key-id": otherKeyArn(t),
        },
        "deny",
      );
      // aws:kms without a key id means the AWS-managed aws/s3 key, not ours.
      sse("sse-kms-default-aws-key", { "s3:x-amz-server-side-encryption": "aws:kms" }, "deny");
      sse("sse-s3", { "s3:x-amz-server-side-encryption": "AES256" }, "deny");
      sse("sse-dsse", { "s3:x-amz-server-side-encryption": "aws:kms:dsse" }, "deny");
    }

    // KMS through S3 in this region only.
    const via = `s3.${t.region}.amazonaws.com`;
    for (const action of KMS_DATA_ACTIONS) {
      const allowed = KMS_ALLOWED[role].includes(action);
      const base = {
        capability: "kms" as const,
        role,
        operations: [action === "kms:Decrypt" ? "GetObject via S3" : "PutObject via S3"],
        action,
        resource: t.kmsKeyArn,
      };
      add({ ...base, context: kmsContext(t, role, via), expected: allowed ? "allow" : "deny" });
      if (!allowed) continue;
      add({
        ...base,
        variant: "direct-call",
        context: kmsContext(t, role, undefined),
        expected: "deny",
      });
      add({
        ...base,
        variant: "other-region",
        context: kmsContext(t, role, `s3.${otherRegion(t.region)}.amazonaws.com`),
        expected: "deny",
      });
      add({
        ...base,
        variant: "other-service",
        context: kmsContext(t, role, `dynamodb.${t.region}.amazonaws.com`),
        expected: "deny",
      });
    }
    for (const action of KMS_KEY_ADMIN_ACTIONS) {
      add({
        capability: "kms",
        role,
        operations: [action.slice(4)],
        action,
        resource: t.kmsKeyArn,
        context: { ...sessionContext(t, role), "kms:CallerAccount": t.accountId },
        expected: "deny",
      });
    }

    // Audit: the Admin's, once the monitoring half exists.
    if (t.monitoring !== undefined) {
      for (const [action, operation, scope] of AUDIT_OPERATIONS) {
        const resource = scope === "log-group" ? t.monitoring.logGroupArn : scope;
        add({
          capability: "audit",
          role,
          operations: [operation],
          action,
          resource,
          context: sessionContext(t, role),
          expected: AUDIT_ALLOWED[role] ? "allow" : "deny",
        });
      }
    }
  }

  // Reading back what is deployed (`strongbox access`): the Admin's.
  for (const cell of inspectCells(t)) add(cell);

  // The audit's findings: create-only uploads, SSE-C, archive classes, fresh
  // MFA, SourceIdentity, monitoring changes (contract-hardening.ts).
  const s3OperationOf = (action: string): Pick<S3Operation, "presigned" | "context"> =>
    S3_OPERATIONS.find((op) => op.action === action) ?? { presigned: false };
  const writers = s3OperationRow("s3:PutObject").allowed;
  for (const cell of hardeningCells({
    accountId: t.accountId,
    bucketArn: t.bucketArn,
    objectArn,
    writers,
    uploaderCanOverwrite: t.uploaderCanOverwrite ?? false,
    archiveStorageClassesAllowed: t.archiveStorageClassesAllowed ?? false,
    adminMfaMaxAgeSeconds: mfaWindowOf(t),
    trust: t.trust,
    monitoring: t.monitoring,
    s3Context: (role, action = "s3:PutObject") => s3Context(t, role, s3OperationOf(action)),
    sessionContext: (role) => sessionContext(t, role),
  })) {
    add(cell);
  }

  return assertUniqueIds(cells);
}

export function assertUniqueIds(cells: ContractCell[]): ContractCell[] {
  const ids = new Set<string>();
  for (const cell of cells) {
    if (ids.has(cell.id)) throw new Error(`duplicate contract cell ${cell.id}`);
    ids.add(cell.id);
  }
  return cells;
}
