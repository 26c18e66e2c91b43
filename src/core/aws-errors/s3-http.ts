import { StrongboxError } from "../errors.js";
import { skewInWords } from "../skew-text.js";
import { redact } from "../text/redact.js";
import { accessDenied } from "./access-denied.js";
import { alreadyExists, refusedAsExisting } from "./already-exists.js";
import { type ErrorContext, loginHint, target } from "./context.js";
import { S3RequestError } from "./s3-request-error.js";

/**
 * The answer S3 gave to a request (a pre-signed URL, or an SDK call's HTTP
 * status and code) → one plain sentence and the exit code of ARCHITECTURE §4.
 * Anything S3 echoes back is redacted before use.
 */

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
      // No full stop: the message often ends in a key, which may end in one itself.
      `not found: ${what}${code === "NoSuchUpload" ? " (aborted or completed)" : ""}`,
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

export function s3RequestError(failure: S3HttpFailure, cause?: unknown): S3RequestError {
  return new S3RequestError(
    mapS3HttpError(failure, cause),
    failure.status,
    failure.s3ErrorCode,
    failure.action,
  );
}
