import { mapS3HttpError } from "../../../core/aws-errors.js";
import type { Role } from "../../../core/roles.js";
import { type AttemptFailure, decideRetry } from "../../../core/transfer/retry-policy.js";
import { parseS3Error } from "../../../core/transfer/s3-xml.js";
import { PutAborted, type PutAnswer, PutNetworkError, putBlob } from "./put.js";

/** A URL the server signed, with the headers it signed (sent exactly). */
export interface Signed {
  url: string;
  headers: Record<string, string>;
}

/** The object a PUT writes, as S3's refusals name it. */
export interface PutTarget {
  key: string;
  role: Role;
  bucket: string;
}

/** What one PUT sends: the whole file, or one part of a multipart upload. */
export interface PutWhat {
  action: "PutObject" | "UploadPart";
  partNumber: number | undefined;
}

/** Stops the parts of a job: a pause, a cancel, or the first failed part. */
export class Stop extends Error {}

/** Every attempt to reach the bucket failed at the network level (or CORS refused the page). */
export class S3Unreachable extends Error {
  readonly kind = "network";
  constructor(url: string) {
    super(
      `S3 at ${new URL(url).origin} did not answer after several tries: the connection failed, or the bucket's CORS rule does not admit this page (${location.origin}). Retry, or ask an admin to check cors_allowed_origins.`,
    );
  }
}

/**
 * Sign just in time, PUT, retry by the CLI's policy; a URL S3 calls expired
 * is signed again. Resolves with S3's 2xx answer; throws Stop when stopped,
 * S3Unreachable when the network never answered, or S3's refusal in words.
 */
export async function sendSigned(
  target: PutTarget,
  what: PutWhat,
  sign: () => Promise<Signed>,
  body: Blob,
  onProgress: (n: number) => void,
  signal: AbortSignal,
): Promise<PutAnswer> {
  for (let attempt = 1; ; attempt++) {
    if (signal.aborted) throw new Stop("stopped");
    const signed = await sign();
    let failure: AttemptFailure;
    let final: () => Error;
    try {
      const answer = await putBlob(signed.url, signed.headers, body, onProgress, signal);
      if (answer.status >= 200 && answer.status < 300) return answer;
      onProgress(0);
      const { code, message } = parseS3Error(answer.body);
      const expired = answer.status === 403 && /expired/i.test(message ?? "");
      failure = expired
        ? { status: 403, kind: "url-expired" }
        : { status: answer.status, ...(code ? { code } : {}) };
      final = () => refusal(target, what, answer.status, code, message);
    } catch (err) {
      onProgress(0);
      if (err instanceof PutAborted) throw new Stop("stopped");
      if (!(err instanceof PutNetworkError)) throw err;
      failure = { kind: "network" };
      final = () => new S3Unreachable(signed.url);
    }
    const decision = decideRetry(failure, attempt);
    if (!decision.retry) throw final();
    await sleep(decision.delayMs, signal);
  }
}

/** S3 refused a PUT: its words, and its kind as the CLI names it (decides whether to offer Retry). */
export class S3Refused extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** S3's refusal of a PUT, in words: a checksum mismatch says nothing was stored. */
function refusal(
  target: PutTarget,
  what: PutWhat,
  status: number,
  code: string | undefined,
  message: string | undefined,
): Error {
  const part = what.partNumber === undefined ? "the file" : `part ${what.partNumber}`;
  if (code === "BadDigest" || code === "XAmzContentChecksumMismatch" || code === "InvalidDigest") {
    return new S3Refused(
      "failed",
      `S3 refused ${part} of "${target.key}": the bytes it received do not match the SHA-256 this page computed (${code}). Nothing was stored; retry the upload.`,
    );
  }
  const mapped = mapS3HttpError({
    status,
    s3ErrorCode: code,
    s3Message: message,
    action: what.action,
    role: target.role,
    bucket: target.bucket,
    key: target.key,
  });
  return new S3Refused(mapped.kind, `S3 refused ${part}: ${mapped.message}`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(new Stop("stopped"));
      },
      { once: true },
    );
  });
}
