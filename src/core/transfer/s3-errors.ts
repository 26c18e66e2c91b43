import { StrongboxError } from "../errors.js";
import { xmlText } from "./s3-xml.js";

/** A refusal from S3, with what the caller needs to react (status, S3 code). */
export class S3RequestError extends StrongboxError {
  readonly status: number;
  readonly code: string | undefined;
  constructor(
    kind: StrongboxError["kind"],
    message: string,
    info: { status: number; code?: string; hint?: string },
  ) {
    super(kind, message, info.hint === undefined ? undefined : { hint: info.hint });
    this.name = "S3RequestError";
    this.status = info.status;
    this.code = info.code;
  }
}

/** What a request did, in words, and which roles may do it (for AccessDenied). */
export interface Operation {
  action: string;
  key: string;
  roles: string;
}

export function parseS3Error(body: string): { code?: string; message?: string } {
  const code = xmlText(body, "Code");
  const message = xmlText(body, "Message");
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

/** One plain sentence per S3 refusal; never includes the URL or credentials. */
export function s3Failure(
  op: Operation,
  status: number,
  code: string | undefined,
  detail?: string,
): S3RequestError {
  const what = `${op.action} "${op.key}"`;
  const info = (hint?: string) => ({
    status,
    ...(code ? { code } : {}),
    ...(hint ? { hint } : {}),
  });
  if (code === "ExpiredToken" || code === "InvalidToken" || code === "TokenRefreshRequired") {
    return new S3RequestError(
      "credentials",
      `The role session expired before S3 could ${what}.`,
      info("Run `strongbox login` again (add --resume to continue an upload)."),
    );
  }
  if (code === "RequestTimeTooSkewed") {
    return new S3RequestError(
      "failed",
      `S3 refused to ${what}: this computer's clock is too far from S3's.`,
      info("Fix the system clock (enable NTP), then try again."),
    );
  }
  if (code === "SignatureDoesNotMatch") {
    return new S3RequestError(
      "failed",
      `S3 refused to ${what}: the pre-signed request's signature did not match.`,
      info(),
    );
  }
  if (status === 403 || code === "AccessDenied") {
    return new S3RequestError(
      "access-denied",
      `Access denied: the current role may not ${what}.`,
      info(`This needs the ${op.roles} role (strongbox login --role …).`),
    );
  }
  if (status === 404 || code === "NoSuchKey" || code === "NoSuchVersion") {
    const thing =
      code === "NoSuchUpload"
        ? "multipart upload"
        : code === "NoSuchBucket"
          ? "bucket"
          : code === "NoSuchVersion"
            ? "version"
            : "object";
    return new S3RequestError("not-found", `Cannot ${what}: no such ${thing}.`, info());
  }
  if (status === 412 || code === "PreconditionFailed") {
    return new S3RequestError(
      "failed",
      `Cannot ${what}: the object changed on the server during the transfer.`,
      info("Run the command again."),
    );
  }
  if (code === "BadDigest" || code === "XAmzContentChecksumMismatch" || code === "InvalidDigest") {
    return new S3RequestError(
      "failed",
      `S3 refused to ${what}: the data did not match its checksum (file changed while reading?).`,
      info(),
    );
  }
  const tail = [`HTTP ${status}`, code, detail].filter(Boolean).join(", ");
  return new S3RequestError("failed", `S3 could not ${what} (${tail}).`, info());
}
