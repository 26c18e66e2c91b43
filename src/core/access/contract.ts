import { ROLES, type Role } from "../roles.js";
import {
  HARDENING_CAPABILITIES,
  hardeningCells,
  type MonitoringNames,
  type TrustTarget,
} from "./contract-hardening.js";

/**
 * The access contract of ARCHITECTURE §2 as data: one cell per (capability,
 * role, IAM action, request context) with the decision the deployed policies
 * must produce. The evaluator (evaluate.ts) runs every cell against the
 * identity, bucket and key policies together; `strongbox access` renders them.
 */

export type Decision = "allow" | "deny";

/** The rows of the §2 table (plus the audit row, present once monitoring is deployed). */
export const CAPABILITIES = {
  put: "put object, multipart (create, upload part, complete, abort, list own parts)",
  get: "get object / any version, head, ranged get",
  list: "list bucket, list versions",
  delete: "delete object (adds a delete marker)",
  deleteVersion: "delete a version permanently",
  bucketAdmin: "change bucket policy, encryption, versioning, public access block, lifecycle",
  kms: "KMS: GenerateDataKey / Decrypt, only via S3 in this region",
  audit: "read audit: Logs Insights on the trail's log group, alarm states",
  logIntegrity:
    "trail log files: write, overwrite, delete; trail log bucket lifecycle, policy, lock",
  keyGuard: "KMS: disable, schedule deletion, change policy of the data or monitoring key",
  insecure: "anything over plain HTTP, SigV2, or a write that names another KMS key",
  ...HARDENING_CAPABILITIES,
} as const;
export type Capability = keyof typeof CAPABILITIES;

export type ContextValue = string | string[];
export type RequestContext = Record<string, ContextValue>;

export interface ContractCell {
  /** Stable and unique, e.g. `viewer/s3:GetObject` or `admin/s3:PutObject/plain-http`. */
  id: string;
  capability: Capability;
  role: Role;
  /** The S3/KMS API operations this cell stands for (they share one IAM action). */
  operations: string[];
  /** The IAM action evaluated. */
  action: string;
  /** The resource ARN of the request. */
  resource: string;
  /** The role session making the request. */
  principal: string;
  context: RequestContext;
  expected: Decision;
  /** Present on denial variants of an allowed request: what makes it wrong. */
  variant?: string;
  /**
   * Set when the principal is not a role session but a principal the module
   * names in a resource policy (a key administrator, a trail log reader): it is
   * evaluated with that policy alone, its own IAM policies being outside the
   * module. `role` is then only where the cell is filed.
   */
  actor?: "key-administrator" | "trail-log-reader";
  /** The deny must come from an explicit Deny statement (defence in depth), not a missing Allow. */
  explicitDeny?: boolean;
}

export interface ContractTarget {
  accountId: string;
  region: string;
  /** `arn:aws:s3:::NAME` */
  bucketArn: string;
  kmsKeyArn: string;
  roleArns: Record<Role, string>;
  /**
   * The bucket policy's cap on a pre-signed URL's signature age in milliseconds
   * (`s3:signatureAge`; the module's `max_signature_age_ms`), if it has one.
   * Adds the "old signature" denials.
   */
  maxSignatureAgeMs?: number | undefined;
  /**
   * Present once the monitoring half is deployed: adds the audit row, and the
   * denials of changes to each monitoring resource named.
   */
  monitoring?: MonitoringTarget | undefined;
  /** The module's uploader_can_overwrite (default false: create-only uploads). */
  uploaderCanOverwrite?: boolean | undefined;
  /** The module's allow_archive_storage_classes (default false). */
  archiveStorageClassesAllowed?: boolean | undefined;
  /** The module's admin_mfa_max_age_seconds (default 900). */
  adminMfaMaxAgeSeconds?: number | undefined;
  /** Present when the roles' trust policies are evaluated too (AssumeRole cells). */
  trust?: TrustTarget | undefined;
}

export interface MonitoringTarget extends MonitoringNames {
  /**
   * With these, the contract also covers the trail log bucket and the
   * monitoring key (contract-monitoring.ts); their resource policies must then
   * be evaluated as `AccessPolicies.extraResourcePolicies`.
   */
  trailLogBucketArn?: string | undefined;
  monitoringKeyArn?: string | undefined;
  /** Key administrators (IAM ARNs) exempt from the keys' lockout guard. */
  keyAdministratorArns?: string[] | undefined;
  /** Principals the trail log bucket lets read (validate-logs). */
  trailLogReaderArns?: string[] | undefined;
}

/** The module's default admin_mfa_max_age_seconds. */
export const DEFAULT_ADMIN_MFA_MAX_AGE_SECONDS = 900;
const mfaWindowOf = (t: ContractTarget) =>
  t.adminMfaMaxAgeSeconds ?? DEFAULT_ADMIN_MFA_MAX_AGE_SECONDS;

/** The person behind every simulated role session (recorded as `sts:SourceIdentity`). */
export const CONTRACT_SOURCE_IDENTITY = "alice@example.com";
const SESSION_NAME = "alice";
/** An object key and version id used by object-level cells. */
export const CONTRACT_OBJECT_KEY = "reports/2026/q3.pdf";
const VERSION_ID = "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY";
/** A different customer key in the same account, for the "names another key" denials. */
const otherKeyArn = (t: ContractTarget) =>
  `arn:aws:kms:${t.region}:${t.accountId}:key/00000000-1111-2222-3333-444444444444`;
const OTHER_REGION = (region: string) => (region === "eu-west-1" ? "us-west-2" : "eu-west-1");

export const roleNameOf = (roleArn: string): string => roleArn.slice(roleArn.lastIndexOf("/") + 1);

/** The ARN a request made with the role's temporary credentials carries. */
export const sessionArnOf = (roleArn: string, accountId: string): string =>
  `arn:aws:sts::${accountId}:assumed-role/${roleNameOf(roleArn)}/${SESSION_NAME}`;

interface S3Operation {
  action: string;
  operations: string[];
  capability: Capability;
  level: "object" | "bucket";
  /** Sent through a pre-signed URL by the CLI (the data path), rather than an SDK call. */
  presigned: boolean;
  allowed: Record<Role, boolean>;
  /** Extra context this request carries. */
  context?: RequestContext;
}

const NONE = { uploader: false, viewer: false, admin: false };
const WRITERS = { uploader: true, viewer: false, admin: true };
const READERS = { uploader: false, viewer: true, admin: true };
const ADMIN = { uploader: false, viewer: false, admin: true };

const S3_OPERATIONS: S3Operation[] = [
  {
    action: "s3:PutObject",
    operations: ["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"],
    capability: "put",
    level: "object",
    presigned: true,
    allowed: WRITERS,
  },
  {
    action: "s3:AbortMultipartUpload",
    operations: ["AbortMultipartUpload"],
    capability: "put",
    level: "object",
    presigned: true,
    allowed: WRITERS,
  },
  {
    action: "s3:ListMultipartUploadParts",
    operations: ["ListParts"],
    capability: "put",
    level: "object",
    presigned: true,
    allowed: WRITERS,
  },
  {
    action: "s3:GetObject",
    operations: ["GetObject", "HeadObject", "GetObject (Range)"],
    capability: "get",
    level: "object",
    presigned: true,
    allowed: READERS,
  },
  {
    action: "s3:GetObjectVersion",
    operations: ["GetObject (versionId)", "HeadObject (versionId)"],
    capability: "get",
    level: "object",
    presigned: true,
    allowed: READERS,
    context: { "s3:versionid": VERSION_ID },
  },
  {
    action: "s3:ListBucket",
    operations: ["ListObjectsV2"],
    capability: "list",
    level: "bucket",
    presigned: false,
    allowed: READERS,
    context: { "s3:prefix": "reports/" },
  },
  {
    action: "s3:ListBucketVersions",
    operations: ["ListObjectVersions"],
    capability: "list",
    level: "bucket",
    presigned: false,
    allowed: READERS,
    context: { "s3:prefix": "reports/" },
  },
  {
    action: "s3:DeleteObject",
    operations: ["DeleteObject"],
    capability: "delete",
    level: "object",
    presigned: false,
    allowed: ADMIN,
  },
  {
    action: "s3:DeleteObjectVersion",
    operations: ["DeleteObject (versionId)"],
    capability: "deleteVersion",
    level: "object",
    presigned: false,
    allowed: ADMIN,
    context: { "s3:versionid": VERSION_ID },
  },
];

/** Configuration changes that only Terraform's deployer may make. */
const BUCKET_ADMIN_OPERATIONS: Array<[action: string, operation: string]> = [
  ["s3:PutBucketPolicy", "PutBucketPolicy"],
  ["s3:DeleteBucketPolicy", "DeleteBucketPolicy"],
  ["s3:PutEncryptionConfiguration", "PutBucketEncryption"],
  ["s3:PutBucketVersioning", "PutBucketVersioning"],
  ["s3:PutBucketPublicAccessBlock", "PutPublicAccessBlock"],
  ["s3:PutLifecycleConfiguration", "PutBucketLifecycleConfiguration"],
];

/** What each role may ask KMS for, via S3. */
const KMS_ALLOWED: Record<Role, string[]> = {
  uploader: ["kms:GenerateDataKey", "kms:Decrypt"],
  viewer: ["kms:Decrypt"],
  admin: ["kms:GenerateDataKey", "kms:Decrypt"],
};
const KMS_DATA_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];
/** Key administration: the deployer's alone. */
export const KMS_KEY_ADMIN_ACTIONS = [
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
];

/** The context every request made with a role session carries. */
export function sessionContext(t: ContractTarget, role: Role): RequestContext {
  const mfa = role === "admin";
  const mfaAge = String(Math.min(300, Math.floor(mfaWindowOf(t) / 2)));
  return {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": t.roleArns[role],
    "aws:PrincipalAccount": t.accountId,
    "aws:PrincipalType": "AssumedRole",
    "aws:SourceIdentity": CONTRACT_SOURCE_IDENTITY,
    "aws:RequestedRegion": t.region,
    "aws:MultiFactorAuthPresent": mfa ? "true" : "false",
    ...(mfa ? { "aws:MultiFactorAuthAge": mfaAge } : {}),
  };
}

function s3Context(t: ContractTarget, role: Role, op: S3Operation): RequestContext {
  const freshAgeMs =
    t.maxSignatureAgeMs === undefined
      ? 60_000
      : Math.min(60_000, Math.floor(t.maxSignatureAgeMs / 2));
  return {
    ...sessionContext(t, role),
    "s3:signatureversion": "AWS4-HMAC-SHA256",
    "s3:authType": op.presigned ? "REST-QUERY-STRING" : "REST-HEADER",
    "s3:signatureAge": String(freshAgeMs),
    "s3:TlsVersion": "1.3",
    ...op.context,
  };
}

function kmsContext(t: ContractTarget, role: Role, viaService: string | undefined): RequestContext {
  return {
    ...sessionContext(t, role),
    "kms:CallerAccount": t.accountId,
    // With S3 Bucket Keys the encryption context is the bucket's ARN.
    "kms:EncryptionContext:aws:s3:arn": t.bucketArn,
    "kms:EncryptionContextKeys": ["aws:s3:arn"],
    ...(viaService === undefined
      ? { "aws:ViaAWSService": "false" }
      : { "kms:ViaService": viaService, "aws:ViaAWSService": "true" }),
  };
}

/** Every cell of the contract for one deployment. */
export function buildContract(t: ContractTarget): ContractCell[] {
  const cells: ContractCell[] = [];
  const objectArn = `${t.bucketArn}/${CONTRACT_OBJECT_KEY}`;
  const add = (cell: Omit<ContractCell, "id" | "principal"> & { principal?: string }) => {
    const id = [cell.role, cell.action, cell.variant].filter(Boolean).join("/");
    const { principal, variant, ...rest } = cell;
    cells.push({
      id,
      principal: principal ?? sessionArnOf(t.roleArns[cell.role], t.accountId),
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
    const deleteVersion = S3_OPERATIONS.find((op) => op.action === "s3:DeleteObjectVersion");
    if (deleteVersion === undefined) throw new Error("contract table lost DeleteObjectVersion");
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
          "aws:MultiFactorAuthAge": String(Math.min(300, Math.floor(mfaWindowOf(t) / 2))),
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
        context: s3Context(t, role, {
          action,
          operations: [operation],
          capability: "bucketAdmin",
          level: "bucket",
          presigned: false,
          allowed: NONE,
        }),
        expected: "deny",
      });
    }

    // Writes that name an encryption: only our key, only SSE-KMS.
    const put = S3_OPERATIONS[0];
    if (put === undefined) throw new Error("contract table lost PutObject");
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
        context: kmsContext(t, role, `s3.${OTHER_REGION(t.region)}.amazonaws.com`),
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
      const audit: Array<[string, string, string]> = [
        ["logs:StartQuery", "StartQuery", t.monitoring.logGroupArn],
        ["logs:GetQueryResults", "GetQueryResults", "*"],
        ["cloudwatch:DescribeAlarms", "DescribeAlarms", "*"],
      ];
      for (const [action, operation, resource] of audit) {
        add({
          capability: "audit",
          role,
          operations: [operation],
          action,
          resource,
          context: sessionContext(t, role),
          expected: role === "admin" ? "allow" : "deny",
        });
      }
    }
  }

  // The audit's findings: create-only uploads, SSE-C, archive classes, fresh
  // MFA, SourceIdentity, monitoring changes (contract-hardening.ts).
  const s3OperationOf = (action: string): S3Operation =>
    S3_OPERATIONS.find((op) => op.action === action) ?? {
      action,
      operations: [],
      capability: "bucketAdmin",
      level: "bucket",
      presigned: false,
      allowed: NONE,
    };
  const writers = S3_OPERATIONS[0]?.allowed ?? NONE;
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

/** The S3 actions the table grants a role, split by the resource they apply to. */
export interface S3Grants {
  /** On `bucket/*`. */
  objectActions: string[];
  /** On the bucket itself. */
  bucketActions: string[];
  /** Object actions granted only with MFA in the session. */
  mfaObjectActions: string[];
}

export function s3GrantsOf(role: Role): S3Grants {
  const grants: S3Grants = { objectActions: [], bucketActions: [], mfaObjectActions: [] };
  for (const op of S3_OPERATIONS) {
    if (!op.allowed[role]) continue;
    if (op.capability === "deleteVersion") grants.mfaObjectActions.push(op.action);
    else if (op.level === "object") grants.objectActions.push(op.action);
    else grants.bucketActions.push(op.action);
  }
  return grants;
}
