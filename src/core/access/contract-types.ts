import type { Role } from "../roles.js";
import type {
  Capability,
  ContextValue,
  HardeningCapability,
  RequestContext,
} from "./contract-table.js";

/** The shapes of the access contract's cells and of the deployment they are built for. */

export type { Capability, ContextValue, HardeningCapability, RequestContext };

export type Decision = "allow" | "deny";

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

export interface ContractTarget {
  /** The deployment's partition (`aws`, `aws-cn`, `aws-us-gov`): every ARN the contract builds is in it. */
  partition: string;
  accountId: string;
  region: string;
  /** `arn:PARTITION:s3:::NAME` */
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

/** A hardening cell (contract-hardening.ts), before contract.ts gives it an id and a principal. */
export interface HardeningCell {
  capability: HardeningCapability;
  role: Role;
  operations: string[];
  action: string;
  resource: string;
  context: RequestContext;
  expected: Decision;
  variant: string;
  /** A deny that must come from an explicit Deny statement, not from a missing Allow. */
  explicitDeny?: boolean;
  /** The caller, when it is not the role session (trust-policy cells). */
  principal?: string;
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
  s3Context(role: Role, action?: string): RequestContext;
  /** The context of any request made with a role session. */
  sessionContext(role: Role): RequestContext;
}
