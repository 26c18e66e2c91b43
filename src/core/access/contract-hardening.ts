import { ROLES, type Role } from "../roles.js";

/**
 * The rows of the access contract that close the security audit's findings
 * (ARCHITECTURE §2, lower half): create-only uploads, no SSE-C, no archive
 * storage classes, a fresh MFA for the Admin, SourceIdentity bound to the
 * caller, and no role changing the monitoring. contract.ts adds these cells to
 * the table; this file knows nothing of it but the shapes below.
 */

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

type Context = Record<string, string | string[]>;

export interface HardeningCell {
  capability: HardeningCapability;
  role: Role;
  operations: string[];
  action: string;
  resource: string;
  context: Context;
  expected: "allow" | "deny";
  variant: string;
  /** A deny that must come from an explicit Deny statement, not from a missing Allow. */
  explicitDeny?: boolean;
  /** The caller, when it is not the role session (trust-policy cells). */
  principal?: string;
}

/** Who may assume the roles, and how their SourceIdentity is bound (the trust policies). */
export interface TrustTarget {
  /** An IAM user named in each role's trust policy, e.g. `arn:aws:iam::1:user/alice`. */
  callers: Record<Role, string>;
  /** `user_name` and/or `principal_tag` (the module's source_identity_binding). */
  binding: string[];
  /** The tag of the principal_tag form (aws:PrincipalTag/<tag>). */
  principalTag: string;
  adminMfaRequired: boolean;
}

/** Names of the monitoring resources the roles must not change. */
export interface MonitoringNames {
  trailArn?: string | undefined;
  logGroupArn: string;
  alarmArn?: string | undefined;
  eventRuleArn?: string | undefined;
  topicArns?: string[] | undefined;
}

export interface HardeningTarget {
  accountId: string;
  bucketArn: string;
  objectArn: string;
  writers: Record<Role, boolean>;
  uploaderCanOverwrite: boolean;
  archiveStorageClassesAllowed: boolean;
  adminMfaMaxAgeSeconds: number;
  trust?: TrustTarget | undefined;
  monitoring?: MonitoringNames | undefined;
  /** The context of a role session's S3 request (PutObject unless told). */
  s3Context(role: Role, action?: string): Context;
  /** The context of any request made with a role session. */
  sessionContext(role: Role): Context;
}

/** The person a forged SourceIdentity claims to be. */
const SOMEONE_ELSE = "mallory";
const TAGGED_PERSON = "carol@example.com";
const ARCHIVE_CLASSES = ["GLACIER", "DEEP_ARCHIVE"];

/** The action, resource and IAM operation of each monitoring change the roles are denied. */
function monitoringChanges(
  t: HardeningTarget,
): Array<[action: string, operation: string, resource: string]> {
  const m = t.monitoring;
  if (m === undefined) return [];
  const changes: Array<[string, string, string]> = [
    ["logs:DeleteLogGroup", "DeleteLogGroup", m.logGroupArn],
    ["logs:PutRetentionPolicy", "PutRetentionPolicy", m.logGroupArn],
    ["logs:DeleteMetricFilter", "DeleteMetricFilter", m.logGroupArn],
    ["s3:PutBucketNotification", "PutBucketNotificationConfiguration", t.bucketArn],
    ["s3:PutReplicationConfiguration", "PutBucketReplication", t.bucketArn],
  ];
  if (m.trailArn !== undefined) {
    changes.push(
      ["cloudtrail:StopLogging", "StopLogging", m.trailArn],
      ["cloudtrail:DeleteTrail", "DeleteTrail", m.trailArn],
      ["cloudtrail:PutEventSelectors", "PutEventSelectors", m.trailArn],
    );
  }
  if (m.alarmArn !== undefined) {
    changes.push(
      ["cloudwatch:DeleteAlarms", "DeleteAlarms", m.alarmArn],
      ["cloudwatch:DisableAlarmActions", "DisableAlarmActions", m.alarmArn],
    );
  }
  if (m.eventRuleArn !== undefined) {
    changes.push(
      ["events:DisableRule", "DisableRule", m.eventRuleArn],
      ["events:RemoveTargets", "RemoveTargets", m.eventRuleArn],
    );
  }
  for (const topic of m.topicArns ?? []) {
    const name = topic.slice(topic.lastIndexOf(":") + 1);
    changes.push(
      ["sns:DeleteTopic", `DeleteTopic ${name}`, topic],
      ["sns:SetTopicAttributes", `SetTopicAttributes ${name}`, topic],
      ["sns:Unsubscribe", `Unsubscribe ${name}`, topic],
    );
  }
  return changes;
}

/** The trust-policy cells of one role: who may assume it, as whom, with which MFA. */
function trustCells(t: HardeningTarget, trust: TrustTarget, role: Role): HardeningCell[] {
  const caller = trust.callers[role];
  const userName = caller.slice(caller.lastIndexOf("/") + 1);
  const roleArn = String(t.sessionContext(role)["aws:PrincipalArn"]);
  const mfa: Context =
    role === "admin"
      ? {
          "aws:MultiFactorAuthPresent": "true",
          "aws:MultiFactorAuthAge": String(Math.min(60, t.adminMfaMaxAgeSeconds - 1)),
        }
      : { "aws:MultiFactorAuthPresent": "false" };
  const callerContext: Context = {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": caller,
    "aws:PrincipalAccount": t.accountId,
    "aws:PrincipalType": "User",
    "aws:username": userName,
    ...mfa,
  };
  const cells: HardeningCell[] = [];
  const cell = (
    capability: HardeningCapability,
    action: string,
    variant: string,
    context: Context,
    expected: "allow" | "deny",
  ) =>
    cells.push({
      capability,
      role,
      operations: [action === "sts:AssumeRole" ? "AssumeRole" : "AssumeRole (SourceIdentity)"],
      action,
      resource: roleArn,
      principal: caller,
      variant,
      // The session name is a key of AssumeRole only.
      context:
        action === "sts:AssumeRole" ? { ...context, "sts:RoleSessionName": userName } : context,
      expected,
    });

  const byUserName = trust.binding.includes("user_name");
  const byTag = trust.binding.includes("principal_tag");
  const ownName = { ...callerContext, "sts:SourceIdentity": userName };
  cell("sourceIdentity", "sts:AssumeRole", "own-user-name", ownName, byUserName ? "allow" : "deny");
  cell(
    "sourceIdentity",
    "sts:SetSourceIdentity",
    "own-user-name",
    ownName,
    byUserName ? "allow" : "deny",
  );
  for (const action of ["sts:AssumeRole", "sts:SetSourceIdentity"]) {
    cell(
      "sourceIdentity",
      action,
      "forged-source-identity",
      { ...callerContext, "sts:SourceIdentity": SOMEONE_ELSE },
      "deny",
    );
  }
  cell("sourceIdentity", "sts:AssumeRole", "no-source-identity", callerContext, "deny");
  if (byTag) {
    const tagKey = `aws:PrincipalTag/${trust.principalTag}`;
    const tagged = { ...callerContext, [tagKey]: TAGGED_PERSON };
    cell(
      "sourceIdentity",
      "sts:AssumeRole",
      "own-principal-tag",
      { ...tagged, "sts:SourceIdentity": TAGGED_PERSON },
      "allow",
    );
    cell(
      "sourceIdentity",
      "sts:AssumeRole",
      "forged-principal-tag",
      { ...tagged, "sts:SourceIdentity": SOMEONE_ELSE },
      "deny",
    );
  }
  if (role === "admin" && trust.adminMfaRequired) {
    const asThemselves: Context = byUserName
      ? ownName
      : {
          ...callerContext,
          [`aws:PrincipalTag/${trust.principalTag}`]: TAGGED_PERSON,
          "sts:SourceIdentity": TAGGED_PERSON,
        };
    cell(
      "staleMfa",
      "sts:AssumeRole",
      "stale-mfa",
      { ...asThemselves, "aws:MultiFactorAuthAge": String(t.adminMfaMaxAgeSeconds + 60) },
      "deny",
    );
    const { "aws:MultiFactorAuthAge": _age, ...withoutAge } = asThemselves;
    cell(
      "staleMfa",
      "sts:AssumeRole",
      "no-mfa",
      { ...withoutAge, "aws:MultiFactorAuthPresent": "false" },
      "deny",
    );
  }
  return cells;
}

/** Every hardening cell of one deployment. */
export function hardeningCells(t: HardeningTarget): HardeningCell[] {
  const cells: HardeningCell[] = [];
  const put = (
    capability: HardeningCapability,
    role: Role,
    variant: string,
    extra: Context,
    expected: "allow" | "deny",
    operations: string[] = ["PutObject", "CompleteMultipartUpload"],
    explicitDeny = expected === "deny",
  ) =>
    cells.push({
      capability,
      role,
      operations,
      action: "s3:PutObject",
      resource: t.objectArn,
      variant,
      context: { ...t.s3Context(role), ...extra },
      expected,
      explicitDeny,
    });
  // What each role's ordinary create looks like: the Uploader's carries If-None-Match: *.
  const create = (role: Role): Context => ({
    "s3:ObjectCreationOperation": "true",
    ...(role === "uploader" ? { "s3:if-none-match": "*" } : {}),
  });

  for (const role of ROLES) {
    if (t.writers[role]) {
      // Create-only writes: the Uploader replaces nothing unless allowed.
      put(
        "overwrite",
        role,
        "create-only",
        { "s3:ObjectCreationOperation": "true", "s3:if-none-match": "*" },
        "allow",
      );
      put(
        "overwrite",
        role,
        "overwrite",
        { "s3:ObjectCreationOperation": "true" },
        role === "uploader" && !t.uploaderCanOverwrite ? "deny" : "allow",
      );
      put("overwrite", role, "multipart-step", { "s3:ObjectCreationOperation": "false" }, "allow", [
        "CreateMultipartUpload",
        "UploadPart",
      ]);
      put(
        "archive",
        role,
        "storage-class-STANDARD_IA",
        { ...create(role), "s3:x-amz-storage-class": "STANDARD_IA" },
        "allow",
      );
      put(
        "sseC",
        role,
        "sse-c-multipart-step",
        {
          "s3:ObjectCreationOperation": "false",
          "s3:x-amz-server-side-encryption-customer-algorithm": "AES256",
        },
        "deny",
        ["CreateMultipartUpload", "UploadPart"],
      );
    }
    if (!t.writers[role]) {
      // Not a writer: no write at all, overwrite or not.
      const operations = ["PutObject", "CompleteMultipartUpload"];
      put(
        "overwrite",
        role,
        "overwrite",
        { "s3:ObjectCreationOperation": "true" },
        "deny",
        operations,
        false,
      );
    }
    // Refused for every role, explicitly: a later grant cannot open them.
    put(
      "sseC",
      role,
      "sse-c",
      { ...create(role), "s3:x-amz-server-side-encryption-customer-algorithm": "AES256" },
      "deny",
    );
    for (const storageClass of ARCHIVE_CLASSES) {
      put(
        "archive",
        role,
        `storage-class-${storageClass}`,
        { ...create(role), "s3:x-amz-storage-class": storageClass },
        t.archiveStorageClassesAllowed && t.writers[role] ? "allow" : "deny",
      );
    }

    // A permanent delete needs a fresh MFA: a stale one is refused by a Deny.
    cells.push({
      capability: "staleMfa",
      role,
      operations: ["DeleteObject (versionId)"],
      action: "s3:DeleteObjectVersion",
      resource: t.objectArn,
      variant: "stale-mfa",
      context: {
        ...t.s3Context(role, "s3:DeleteObjectVersion"),
        "aws:MultiFactorAuthPresent": "true",
        "aws:MultiFactorAuthAge": String(t.adminMfaMaxAgeSeconds + 60),
      },
      expected: "deny",
      explicitDeny: true,
    });

    for (const [action, operation, resource] of monitoringChanges(t)) {
      cells.push({
        capability: "monitoring",
        role,
        operations: [operation],
        action,
        resource,
        variant: operation.includes(" ") ? operation.slice(operation.indexOf(" ") + 1) : "",
        context: action.startsWith("s3:") ? t.s3Context(role, action) : t.sessionContext(role),
        expected: "deny",
        explicitDeny: true,
      });
    }

    if (t.trust !== undefined) cells.push(...trustCells(t, t.trust, role));
  }
  return cells;
}
