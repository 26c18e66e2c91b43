import { arnOf, otherKeyArnIn } from "../arn.js";
import type { Role } from "../roles.js";
import type { RequestContext, S3Operation } from "./contract-table.js";
import type { ContractTarget } from "./contract-types.js";

/**
 * The request context of the contract's simulated requests: who makes them
 * (a role session for alice), and the keys S3 and KMS add.
 */

/** The module's default admin_mfa_max_age_seconds. */
export const DEFAULT_ADMIN_MFA_MAX_AGE_SECONDS = 900;
export const mfaWindowOf = (t: ContractTarget) =>
  t.adminMfaMaxAgeSeconds ?? DEFAULT_ADMIN_MFA_MAX_AGE_SECONDS;
/** An MFA age well inside the window. */
export const freshMfaAge = (t: ContractTarget) =>
  String(Math.min(300, Math.floor(mfaWindowOf(t) / 2)));

/** The person behind every simulated role session (recorded as `sts:SourceIdentity`). */
export const CONTRACT_SOURCE_IDENTITY = "alice@example.com";
const SESSION_NAME = "alice";
/** An object key used by object-level cells. */
export const CONTRACT_OBJECT_KEY = "reports/2026/q3.pdf";
/** A different customer key in the same account, for the "names another key" denials. */
export const otherKeyArn = (t: ContractTarget) => otherKeyArnIn(t.partition, t.region, t.accountId);
export const otherRegion = (region: string) => (region === "eu-west-1" ? "us-west-2" : "eu-west-1");

export const roleNameOf = (roleArn: string): string => roleArn.slice(roleArn.lastIndexOf("/") + 1);

/** The ARN a request made with the role's temporary credentials carries. */
export const sessionArnOf = (t: ContractTarget, role: Role): string =>
  arnOf(
    t.partition,
    "sts",
    "",
    t.accountId,
    `assumed-role/${roleNameOf(t.roleArns[role])}/${SESSION_NAME}`,
  );

/** The context every request made with a role session carries. */
export function sessionContext(t: ContractTarget, role: Role): RequestContext {
  const mfa = role === "admin";
  return {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": t.roleArns[role],
    "aws:PrincipalAccount": t.accountId,
    "aws:PrincipalType": "AssumedRole",
    "aws:SourceIdentity": CONTRACT_SOURCE_IDENTITY,
    "aws:RequestedRegion": t.region,
    "aws:MultiFactorAuthPresent": mfa ? "true" : "false",
    ...(mfa ? { "aws:MultiFactorAuthAge": freshMfaAge(t) } : {}),
  };
}

/** A role session's S3 request of `op`, signed as the CLI signs it. */
export function s3Context(
  t: ContractTarget,
  role: Role,
  op: Pick<S3Operation, "presigned" | "context">,
): RequestContext {
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

/** A role session's KMS request, made by S3 (`viaService`) or directly. */
export function kmsContext(
  t: ContractTarget,
  role: Role,
  viaService: string | undefined,
): RequestContext {
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
