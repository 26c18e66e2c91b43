import { StrongboxError } from "./errors.js";
import type { Role } from "./roles.js";
import { skewInWords } from "./skew-text.js";

/**
 * AWS/S3 failures → one plain sentence and the exit code of ARCHITECTURE §4.
 * Two entry points: `mapAwsError` for SDK exceptions, `mapS3HttpError` for raw
 * HTTP answers to pre-signed URLs (the transfer code). Messages never carry
 * credentials or signed URLs (`redact` is applied to anything S3 echoes back).
 */

/** Operations Strongbox performs, named as S3/STS/Logs name them. */
export type StrongboxAction =
  | "PutObject"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListParts"
  | "GetObject"
  | "HeadObject"
  | "ListObjectsV2"
  | "ListObjectVersions"
  | "DeleteObject"
  | "DeleteObjectVersion"
  | "RestoreVersion"
  | "AssumeRole"
  | "ReadAudit";

/**
 * Which roles may perform each action: the access contract, ARCHITECTURE §2.
 * `mfa` marks actions the contract allows only with MFA in the session.
 */
export const ACTION_ROLES: Record<StrongboxAction, { roles: readonly Role[]; mfa?: boolean }> = {
  PutObject: { roles: ["uploader", "admin"] },
  CreateMultipartUpload: { roles: ["uploader", "admin"] },
  UploadPart: { roles: ["uploader", "admin"] },
  CompleteMultipartUpload: { roles: ["uploader", "admin"] },
  AbortMultipartUpload: { roles: ["uploader", "admin"] },
  ListParts: { roles: ["uploader", "admin"] },
  GetObject: { roles: ["viewer", "admin"] },
  HeadObject: { roles: ["viewer", "admin"] },
  ListObjectsV2: { roles: ["viewer", "admin"] },
  ListObjectVersions: { roles: ["viewer", "admin"] },
  DeleteObject: { roles: ["admin"] },
  DeleteObjectVersion: { roles: ["admin"], mfa: true },
  // Reading an old version and writing it as the latest needs get *and* put.
  RestoreVersion: { roles: ["admin"] },
  AssumeRole: { roles: [] },
  ReadAudit: { roles: ["admin"] },
};

export interface ErrorContext {
  action: StrongboxAction;
  /** The role whose session made the request. */
  role?: Role | undefined;
  bucket?: string | undefined;
  key?: string | undefined;
  versionId?: string | undefined;
}

const SIGNED_QUERY =
  /([?&](?:X-Amz-(?:Signature|Credential|Security-Token)|Signature|AWSAccessKeyId|x-amz-security-token)=)[^&\s"'<>]*/gi;
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const AUTH_HEADER = /(\bAuthorization["']?\s*[:=]\s*["']?)[^\n"']*/gi;

/**
 * Removes secrets from text bound for a log or an error: signature, credential
 * and token parameters of pre-signed URLs, access key ids, Authorization
 * headers, and any `secrets` passed (secret keys, session tokens) verbatim.
 */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 8) out = out.split(secret).join("[REDACTED]");
  }
  return out
    .replace(SIGNED_QUERY, "$1[REDACTED]")
    .replace(ACCESS_KEY_ID, "[REDACTED-KEY-ID]")
    .replace(AUTH_HEADER, "$1[REDACTED]");
}

function target(ctx: ErrorContext): string {
  if (ctx.key === undefined) return ctx.bucket === undefined ? "" : ` on s3://${ctx.bucket}`;
  const where = ctx.bucket === undefined ? ctx.key : `s3://${ctx.bucket}/${ctx.key}`;
  return ` on ${where}${ctx.versionId === undefined ? "" : ` (version ${ctx.versionId})`}`;
}

const listRoles = (roles: readonly Role[]) =>
  roles.length === 1 ? (roles[0] as string) : `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}`;

/** AccessDenied, worded from the §2 table: who asked, for what, and who could. */
export function accessDenied(ctx: ErrorContext, cause?: unknown): StrongboxError {
  const entry = ACTION_ROLES[ctx.action];
  const who = ctx.role === undefined ? "your session" : `role ${ctx.role}`;
  const base = `access denied: ${who} may not ${ctx.action}${target(ctx)}`;
  const opts = (hint: string) => ({ hint, cause });
  if (entry.roles.length === 0) {
    return new StrongboxError("access-denied", `${base}.`, opts("no Strongbox role may do this"));
  }
  if (ctx.role !== undefined && entry.roles.includes(ctx.role)) {
    if (entry.mfa === true) {
      return new StrongboxError(
        "access-denied",
        `${base}: ${ctx.action} needs a fresh MFA in the ${ctx.role} session.`,
        opts(`log in again with a new MFA code: \`strongbox login --role ${ctx.role}\``),
      );
    }
    return new StrongboxError(
      "access-denied",
      `${base}, although the access contract allows ${ctx.role} to (policy or key not as deployed?).`,
      opts("ask an admin to check the deployed policies (`strongbox access`)"),
    );
  }
  const could = `${listRoles(entry.roles)} can${entry.mfa === true ? " (with MFA)" : ""}`;
  const first = entry.roles[0] as Role;
  return new StrongboxError(
    "access-denied",
    `${base}; ${could}.`,
    opts(`run \`strongbox login --role ${first}\` and retry with --role ${first}`),
  );
}

const CREDENTIAL_CODES = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidToken",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "TokenRefreshRequired",
  "UnrecognizedClientException",
]);
const NOT_FOUND_CODES = new Set(["NoSuchKey", "NoSuchVersion", "NotFound", "NoSuchUpload"]);
const ACCESS_CODES = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "Forbidden",
  "AllAccessDisabled",
  "KMS.AccessDeniedException",
]);
const INTEGRITY_CODES = new Set([
  "BadDigest",
  "InvalidDigest",
  "XAmzContentSHA256Mismatch",
  "XAmzContentChecksumMismatch",
  "InvalidChecksum",
]);

export interface S3HttpFailure extends ErrorContext {
  status: number;
  /** `<Code>` of S3's XML error body, when there was one. */
  s3ErrorCode?: string | undefined;
  /** `<Message>` of S3's XML error body (redacted before use). */
  s3Message?: string | undefined;
  /** Server `Date` header, to detect clock skew. */
  serverDate?: string | undefined;
  now?: number | undefined;
}

const SKEW_LIMIT_MS = 5 * 60 * 1000;

function skewOf(failure: { serverDate?: string | undefined; now?: number | undefined }) {
  if (failure.serverDate === undefined) return undefined;
  const server = Date.parse(failure.serverDate);
  if (Number.isNaN(server)) return undefined;
  return (failure.now ?? Date.now()) - server;
}

function clockError(skewMs: number | undefined, cause: unknown): StrongboxError {
  const amount = skewMs === undefined ? "" : ` (this machine is ${skewInWords(skewMs)})`;
  return new StrongboxError(
    "failed",
    `request rejected because this machine's clock is wrong${amount}.`,
    {
      hint: "fix the clock (enable NTP: `timedatectl set-ntp true`), then retry",
      cause,
    },
  );
}

/**
 * The answer to a raw HTTP request (a pre-signed URL) → StrongboxError.
 * Used by the transfer code; also the core of `mapAwsError`.
 */
export function mapS3HttpError(failure: S3HttpFailure, cause?: unknown): StrongboxError {
  const code = failure.s3ErrorCode;
  const message = failure.s3Message === undefined ? "" : redact(failure.s3Message);
  const where = target(failure);
  const skew = skewOf(failure);
  const authFailure = failure.status === 403 || code === "SignatureDoesNotMatch";
  // A skewed clock shows up as a refused signature or an "expired"/"not yet valid" URL.
  if (
    code === "RequestTimeTooSkewed" ||
    (authFailure && skew !== undefined && Math.abs(skew) > SKEW_LIMIT_MS)
  ) {
    return clockError(skew, cause);
  }
  if (code !== undefined && CREDENTIAL_CODES.has(code)) {
    return new StrongboxError(
      "credentials",
      `the ${failure.role === undefined ? "role" : failure.role} session's credentials were refused (${code}).`,
      { hint: loginHint(failure.role), cause },
    );
  }
  // A pre-signed URL past its X-Amz-Expires comes back as 403 AccessDenied "Request has expired".
  if (/request has expired/i.test(message)) {
    return new StrongboxError(
      "credentials",
      `the pre-signed URL for ${failure.action}${where} expired.`,
      {
        hint: `retry; if the session ran out, ${loginHint(failure.role)}`,
        cause,
      },
    );
  }
  if (code === "SignatureDoesNotMatch") {
    return new StrongboxError(
      "failed",
      `S3 rejected the signature of ${failure.action}${where}: the URL or a signed header was changed.`,
      { hint: "check this machine's clock, then retry; report it if it persists", cause },
    );
  }
  if (code === "NoSuchBucket") {
    return new StrongboxError(
      "usage",
      `bucket ${failure.bucket ?? "in the config"} does not exist: the config points at a stack that is gone.`,
      { hint: "run `strongbox configure --from-terraform DIR` for the deployed stack", cause },
    );
  }
  if ((code !== undefined && NOT_FOUND_CODES.has(code)) || failure.status === 404) {
    const what =
      code === "NoSuchVersion"
        ? `version ${failure.versionId ?? "(given)"} of ${failure.key ?? "the object"}`
        : code === "NoSuchUpload"
          ? "the multipart upload"
          : failure.key === undefined
            ? "the object"
            : failure.key;
    return new StrongboxError(
      "not-found",
      `not found: ${what}${code === "NoSuchUpload" ? " (aborted or completed)" : ""}.`,
      {
        ...(failure.key !== undefined && code !== "NoSuchUpload"
          ? { hint: "see `strongbox ls` / `strongbox versions KEY`" }
          : {}),
        cause,
      },
    );
  }
  if ((code !== undefined && ACCESS_CODES.has(code)) || failure.status === 403) {
    return accessDenied(failure, cause);
  }
  if (code !== undefined && INTEGRITY_CODES.has(code)) {
    return new StrongboxError(
      "failed",
      `S3 refused ${failure.action}${where}: the bytes did not match their checksum (${code}).`,
      { hint: "the file changed or was corrupted in transit; retry", cause },
    );
  }
  if (code === "EntityTooSmall" || code === "InvalidPart" || code === "InvalidPartOrder") {
    return new StrongboxError(
      "failed",
      `S3 refused the multipart upload${where}: ${code}${message ? ` — ${message}` : ""}.`,
      { cause },
    );
  }
  if (code === "EntityTooLarge" || code === "TooManyParts") {
    return new StrongboxError(
      "failed",
      `object too large for S3${where} (${code}): at most 10,000 parts and 5 TiB.`,
      { cause },
    );
  }
  if (refusedAsExisting(failure.action, failure.status, code)) return alreadyExists(failure, cause);
  if (code === "PreconditionFailed" || failure.status === 412) {
    return new StrongboxError(
      "failed",
      `the object${where} changed during ${failure.action} (precondition failed).`,
      {
        hint: "retry",
        cause,
      },
    );
  }
  if (code === "SlowDown" || failure.status === 503 || failure.status >= 500) {
    return new StrongboxError(
      "failed",
      `S3 is unavailable for ${failure.action}${where} (HTTP ${failure.status}${code ? ` ${code}` : ""}).`,
      { hint: "retry later", cause },
    );
  }
  return new StrongboxError(
    "failed",
    `${failure.action}${where} failed: HTTP ${failure.status}${code ? ` ${code}` : ""}${message ? ` — ${message}` : ""}.`,
    { cause },
  );
}

/** The writes that carry If-None-Match: * for a create-only role. */
const CREATING_ACTIONS: ReadonlySet<StrongboxAction> = new Set([
  "PutObject",
  "CompleteMultipartUpload",
]);

/**
 * A create-only write refused because the key exists: 412 PreconditionFailed,
 * or 409 ConditionalRequestConflict when another write to it is under way.
 */
function refusedAsExisting(
  action: StrongboxAction,
  status: number,
  code: string | undefined,
): boolean {
  if (!CREATING_ACTIONS.has(action)) return false;
  return (
    code === "PreconditionFailed" ||
    code === "ConditionalRequestConflict" ||
    (code === undefined && (status === 412 || status === 409))
  );
}

/** Who may replace an existing key: the Admin (the Uploader only creates). */
const REPLACER: Role = "admin";

function alreadyExists(failure: S3HttpFailure, cause?: unknown): StrongboxError {
  const who = failure.role === undefined ? "this session" : `role ${failure.role}`;
  const racing = failure.s3ErrorCode === "ConditionalRequestConflict" || failure.status === 409;
  return new StrongboxError(
    "access-denied",
    `already exists${target(failure)}${racing ? " (another upload to it is finishing)" : ""}: ${who} may only create new keys; ${REPLACER} can replace it.`,
    {
      hint: `upload it under another key (--key / --prefix), or have an ${REPLACER} replace it with --role ${REPLACER}`,
      cause,
    },
  );
}

/** True for the "already exists" refusal of a create-only write (exit 3, not a reason to stop other files). */
export function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof S3RequestError && refusedAsExisting(error.action, error.status, error.code)
  );
}

/** A refusal S3 sent to a pre-signed request, keeping its status and code for the caller to react to. */
export class S3RequestError extends StrongboxError {
  readonly status: number;
  readonly code: string | undefined;
  /** The request S3 refused. */
  readonly action: StrongboxAction;
  constructor(
    mapped: StrongboxError,
    status: number,
    code: string | undefined,
    action: StrongboxAction,
  ) {
    super(mapped.kind, mapped.message, {
      ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
      ...(mapped.cause === undefined ? {} : { cause: mapped.cause }),
    });
    this.name = "S3RequestError";
    this.status = status;
    this.code = code;
    this.action = action;
  }
}

export function s3RequestError(failure: S3HttpFailure, cause?: unknown): S3RequestError {
  return new S3RequestError(
    mapS3HttpError(failure, cause),
    failure.status,
    failure.s3ErrorCode,
    failure.action,
  );
}

export const loginHint = (role: Role | undefined) =>
  `log in again: \`strongbox login --role ${role ?? "uploader|viewer|admin"}\``;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string> };
  $fault?: string;
}

/** Any error from an SDK call (or a network failure) → StrongboxError. */
export function mapAwsError(err: unknown, ctx: ErrorContext & { now?: number }): StrongboxError {
  if (err instanceof StrongboxError) return err;
  const e = (typeof err === "object" && err !== null ? err : {}) as SdkLikeError;
  const name = e.name ?? "";
  if (name === "AbortError") {
    return new StrongboxError("interrupted", `${ctx.action} interrupted.`, { cause: err });
  }
  if (name === "CredentialsProviderError") {
    return new StrongboxError(
      "credentials",
      `no AWS credentials for your own identity: ${redact(e.message ?? "")}`,
      {
        hint: "set AWS_PROFILE or pass --profile (or configure SSO / environment keys)",
        cause: err,
      },
    );
  }
  const netCode = e.code ?? (err as { cause?: { code?: string } }).cause?.code;
  if ((netCode !== undefined && NETWORK_CODES.has(netCode)) || name === "TimeoutError") {
    return new StrongboxError(
      "failed",
      `could not reach AWS for ${ctx.action} (${netCode ?? name}).`,
      { hint: "check the network and the endpoint in the config", cause: err },
    );
  }
  const status = e.$metadata?.httpStatusCode;
  // Only a service exception's name is an S3 error code; a TypeError is not.
  const isServiceError = e.$metadata !== undefined || e.Code !== undefined;
  const s3ErrorCode =
    e.Code ?? (isServiceError && name !== "" && name !== "Error" ? name : undefined);
  if (!isServiceError || (status === undefined && s3ErrorCode === undefined)) {
    return new StrongboxError(
      "failed",
      `${ctx.action}${target(ctx)} failed: ${redact(e.message ?? String(err))}`,
      { cause: err },
    );
  }
  const serverDate = e.$response?.headers?.date;
  return mapS3HttpError(
    {
      ...ctx,
      status: status ?? 0,
      s3ErrorCode,
      s3Message: e.message,
      ...(serverDate !== undefined ? { serverDate } : {}),
    },
    err,
  );
}
