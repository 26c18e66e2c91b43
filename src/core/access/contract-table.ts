import type { Role } from "../roles.js";

/**
 * The access contract of ARCHITECTURE §2 as a table: which role may make which
 * request. Pure data with no Node imports, so the web page and the error
 * wording (actions.ts) read the same rows the policy check (contract.ts)
 * turns into cells.
 */

/** The rows of the audit's findings (ARCHITECTURE §2, lower half): contract-hardening.ts. */
export const HARDENING_CAPABILITIES = {
  overwrite: "overwrite an existing key (a write without `If-None-Match: *`)",
  sseC: "write with SSE-C (a customer-provided key)",
  archive: "write in a storage class no role can read back (GLACIER, DEEP_ARCHIVE)",
  staleMfa:
    "assume the role with an MFA older than the configured window; permanently delete with it",
  sourceIdentity: "set a SourceIdentity other than their own user name (or principal tag)",
  monitoring:
    "change the trail, its log group, alarms, the EventBridge rule, the topics, notifications, replication",
} as const;
export type HardeningCapability = keyof typeof HARDENING_CAPABILITIES;

/** The rows of the §2 table (plus the audit row, present once monitoring is deployed). */
export const CAPABILITIES = {
  put: "put object, multipart (create, upload part, complete, abort, list own parts)",
  get: "get object / any version, head, ranged get",
  list: "list bucket, list versions",
  listUploads: "list unfinished multipart uploads (the page's Admin view, to abort them)",
  delete: "delete object (adds a delete marker)",
  deleteVersion: "delete a version permanently",
  bucketAdmin: "change bucket policy, encryption, versioning, public access block, lifecycle",
  kms: "KMS: GenerateDataKey / Decrypt, only via S3 in this region",
  audit: "read audit: Logs Insights on the trail's log group, alarm states",
  inspect:
    "read the deployed policies (`strongbox access`): the roles', both buckets', both keys'; IAM's policy simulator",
  logIntegrity:
    "trail log files: write, overwrite, delete; trail log bucket lifecycle, policy, lock",
  keyGuard: "KMS: disable, schedule deletion, change policy of the data or monitoring key",
  insecure: "anything over plain HTTP, SigV2, or a write that names another KMS key",
  ...HARDENING_CAPABILITIES,
} as const;
export type Capability = keyof typeof CAPABILITIES;

export type ContextValue = string | string[];
export type RequestContext = Record<string, ContextValue>;

/** A version id used by the object-level cells that name one. */
export const CONTRACT_VERSION_ID = "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY";

export interface S3Operation {
  action: string;
  operations: string[];
  capability: Capability;
  level: "object" | "bucket";
  /** Sent through a pre-signed URL by the CLI (the data path), rather than an SDK call. */
  presigned: boolean;
  allowed: Record<Role, boolean>;
  /** Allowed only with MFA in the session. */
  mfa?: true;
  /** Extra context this request carries. */
  context?: RequestContext;
}

const WRITERS = { uploader: true, viewer: false, admin: true };
const READERS = { uploader: false, viewer: true, admin: true };
const ADMIN = { uploader: false, viewer: false, admin: true };

/** The §2 table's S3 rows. The first is the write every writer makes. */
export const S3_OPERATIONS: readonly S3Operation[] = [
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
    context: { "s3:versionid": CONTRACT_VERSION_ID },
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
    action: "s3:ListBucketMultipartUploads",
    operations: ["ListMultipartUploads"],
    capability: "listUploads",
    level: "bucket",
    presigned: false,
    allowed: ADMIN,
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
    mfa: true,
    context: { "s3:versionid": CONTRACT_VERSION_ID },
  },
];

/**
 * Writers whose writes only create new keys (they send `If-None-Match: *`),
 * unless the module's uploader_can_overwrite lets them replace; the other
 * writers may replace an existing key.
 */
export const CREATE_ONLY_WRITERS: readonly Role[] = ["uploader"];

/** The row of an S3 action in the table (throws if the table lost it). */
export function s3OperationRow(action: string): S3Operation {
  const row = S3_OPERATIONS.find((op) => op.action === action);
  if (row === undefined) throw new Error(`contract table lost ${action}`);
  return row;
}

/** Configuration changes that only Terraform's deployer may make. */
export const BUCKET_ADMIN_OPERATIONS: ReadonlyArray<[action: string, operation: string]> = [
  ["s3:PutBucketPolicy", "PutBucketPolicy"],
  ["s3:DeleteBucketPolicy", "DeleteBucketPolicy"],
  ["s3:PutEncryptionConfiguration", "PutBucketEncryption"],
  ["s3:PutBucketVersioning", "PutBucketVersioning"],
  ["s3:PutBucketPublicAccessBlock", "PutPublicAccessBlock"],
  ["s3:PutLifecycleConfiguration", "PutBucketLifecycleConfiguration"],
];

/** What each role may ask KMS for, via S3. */
export const KMS_ALLOWED: Record<Role, readonly string[]> = {
  uploader: ["kms:GenerateDataKey", "kms:Decrypt"],
  viewer: ["kms:Decrypt"],
  admin: ["kms:GenerateDataKey", "kms:Decrypt"],
};
export const KMS_DATA_ACTIONS = ["kms:GenerateDataKey", "kms:Decrypt"];
/** Key administration: the deployer's alone. */
export const KMS_KEY_ADMIN_ACTIONS = [
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:DisableKey",
];

/** Reading the audit (once the monitoring half exists): the Admin's. */
export const AUDIT_ALLOWED: Record<Role, boolean> = ADMIN;
export const AUDIT_OPERATIONS: ReadonlyArray<
  [action: string, operation: string, resource: "log-group" | "*"]
> = [
  ["logs:StartQuery", "StartQuery", "log-group"],
  ["logs:GetQueryResults", "GetQueryResults", "*"],
  ["logs:StopQuery", "StopQuery", "*"],
  ["logs:DescribeQueryDefinitions", "DescribeQueryDefinitions", "*"],
  ["cloudwatch:DescribeAlarms", "DescribeAlarms", "*"],
  ["cloudwatch:DescribeAlarmHistory", "DescribeAlarmHistory", "*"],
  // The selftest's proof that SNS delivered and EventBridge published (their counts).
  ["cloudwatch:GetMetricData", "GetMetricData", "*"],
];

/** Reading back what is deployed, for `strongbox access`: the Admin's. */
export const INSPECT_ALLOWED: Record<Role, boolean> = ADMIN;
/** Its requests, and what each names: one of the three roles, a managed policy, the bucket, the data key, or nothing. */
export const INSPECT_OPERATIONS: ReadonlyArray<
  [action: string, operation: string, resource: "role" | "policy" | "bucket" | "key" | "*"]
> = [
  ["iam:GetRole", "GetRole", "role"],
  ["iam:ListRolePolicies", "ListRolePolicies", "role"],
  ["iam:GetRolePolicy", "GetRolePolicy", "role"],
  ["iam:ListAttachedRolePolicies", "ListAttachedRolePolicies", "role"],
  ["iam:GetPolicy", "GetPolicy", "policy"],
  ["iam:GetPolicyVersion", "GetPolicyVersion", "policy"],
  ["s3:GetBucketPolicy", "GetBucketPolicy", "bucket"],
  ["kms:GetKeyPolicy", "GetKeyPolicy", "key"],
  ["iam:SimulateCustomPolicy", "SimulateCustomPolicy", "*"],
];

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
    if (op.mfa === true) grants.mfaObjectActions.push(op.action);
    else if (op.level === "object") grants.objectActions.push(op.action);
    else grants.bucketActions.push(op.action);
  }
  return grants;
}

/**
 * Whether the table lets `role` make the request `action` (an IAM action),
 * and whether only with MFA. Actions the table has no row for are no role's.
 */
export function tableAllows(role: Role, action: string): { allowed: boolean; mfa: boolean } {
  const s3 = S3_OPERATIONS.find((op) => op.action === action);
  if (s3 !== undefined) return { allowed: s3.allowed[role], mfa: s3.mfa === true };
  if (KMS_DATA_ACTIONS.includes(action)) {
    return { allowed: KMS_ALLOWED[role].includes(action), mfa: false };
  }
  if (AUDIT_OPERATIONS.some(([a]) => a === action)) {
    return { allowed: AUDIT_ALLOWED[role], mfa: false };
  }
  if (INSPECT_OPERATIONS.some(([a]) => a === action)) {
    return { allowed: INSPECT_ALLOWED[role], mfa: false };
  }
  return { allowed: false, mfa: false };
}
