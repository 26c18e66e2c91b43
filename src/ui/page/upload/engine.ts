import { mapS3HttpError } from "../../../core/aws-errors.js";
import type { Role } from "../../../core/roles.js";
import { createLimiter, type Limiter } from "../../../core/transfer/limiter.js";
import { MiB, type PlannedPart, planParts } from "../../../core/transfer/part-plan.js";
import { reconcileParts } from "../../../core/transfer/resume.js";
import { type AttemptFailure, decideRetry } from "../../../core/transfer/retry-policy.js";
import { parseS3Error } from "../../../core/transfer/s3-xml.js";
import { ApiError, api } from "../api.js";
import type { Hasher } from "./hasher.js";
import { PutAborted, type PutAnswer, PutNetworkError, putBlob } from "./put.js";
import { resumeStore } from "./resume-store.js";

/** Browser parts: 8 MiB (finer progress and resume than the CLI's 16), 4 in flight. */
export const BROWSER_PART_SIZE = 8 * MiB;
export const PARTS_IN_FLIGHT = 4;

export type JobStatus =
  | "queued"
  | "checking"
  | "uploading"
  | "completing"
  | "paused"
  | "done"
  | "failed"
  | "cancelled";

interface Signed {
  url: string;
  headers: Record<string, string>;
}
interface DonePart {
  number: number;
  size: number;
  etag: string;
  checksumSha256: string;
}

/** Stops the parts of a job: a pause, a cancel, or the first failed part. */
class Stop extends Error {}

export const CONNECTION_LOST = "Connection lost: the upload continues when it is back.";

/** Every attempt to reach the bucket failed at the network level (or CORS refused the page). */
class S3Unreachable extends Error {
  constructor(url: string) {
    super(
      `S3 at ${new URL(url).origin} did not answer after several tries: the connection failed, or the bucket's CORS rule does not admit this page (${location.origin}). Retry, or ask an admin to check cors_allowed_origins.`,
    );
  }
}

/**
 * One file going to S3 from the browser. The server starts, signs, completes
 * and aborts; the browser hashes each part (worker), asks for its URL just
 * before sending, PUTs it and forgets it. S3's ListParts decides what a
 * resumed upload still needs.
 */
export class UploadJob {
  status: JobStatus = "queued";
  message = "";
  versionId: string | null = null;
  /** Bytes S3 holds for this file plus bytes of parts in flight. */
  sent = 0;
  /** Parts PUT by this page (not counting parts S3 already had). */
  partsSent = 0;
  partsTotal = 0;
  partsResumed = 0;
  readonly total: number;
  private uploadId: string | undefined;
  private partSize = BROWSER_PART_SIZE;
  private done = new Map<number, DonePart>();
  private inFlight = new Map<number, number>();
  private controller: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(
    readonly file: File,
    readonly key: string,
    readonly role: Role,
    readonly bucket: string,
    private readonly hasher: Hasher,
    private readonly onChange: () => void,
    private readonly limiter: Limiter = createLimiter(PARTS_IN_FLIGHT),
  ) {
    this.total = file.size;
  }

  start(): Promise<void> {
    if (this.running !== undefined) return this.running;
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  pause(reason = "Paused."): void {
    if (!["queued", "checking", "uploading"].includes(this.status)) return;
    this.set("paused", reason);
    this.controller?.abort(new Stop("paused"));
  }

  resume(): Promise<void> {
    if (this.status !== "paused" && this.status !== "failed") return Promise.resolve();
    return this.start();
  }

  async cancel(): Promise<void> {
    this.controller?.abort(new Stop("cancelled"));
    await this.running?.catch(() => {});
    this.set("cancelled", "Cancelled; nothing was stored.");
    if (this.uploadId !== undefined) {
      await api
        .post("upload/abort", { role: this.role, key: this.key, uploadId: this.uploadId })
        .catch(() => {});
    }
    resumeStore.remove(this.bucket, this.key, this.file);
  }

  private set(status: JobStatus, message = ""): void {
    this.status = status;
    this.message = message;
    this.onChange();
  }

  private progress(): void {
    let sum = 0;
    for (const p of this.done.values()) sum += p.size;
    for (const n of this.inFlight.values()) sum += n;
    this.sent = sum;
    this.onChange();
  }

  private async run(): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    try {
      const plan = planParts(this.total, {
        partSize: BROWSER_PART_SIZE,
        threshold: BROWSER_PART_SIZE,
      });
      if (plan.kind === "single") {
        this.partsTotal = 1;
        this.set("uploading");
        await this.single(controller.signal);
      } else {
        this.partsTotal = plan.parts.length;
        await this.multipart(plan.parts, plan.partSize, controller.signal);
      }
      this.sent = this.total;
      this.set(
        "done",
        this.versionId === null ? "Uploaded." : `Uploaded (version ${this.versionId}).`,
      );
    } catch (err) {
      // Paused or cancelled: pause() and cancel() already said so. (The first failed
      // part also aborts the controller, to stop the others: that is not a pause.)
      if (this.status === "paused" || this.status === "cancelled") return;
      this.inFlight.clear();
      this.progress();
      if (err instanceof S3Unreachable && !navigator.onLine) {
        this.set("paused", CONNECTION_LOST);
        return;
      }
      this.set("failed", err instanceof Error ? err.message : String(err));
    }
  }

  private async single(signal: AbortSignal): Promise<void> {
    const checksum = await this.hasher.sha256(this.file, 0, this.total);
    const answer = await this.send(
      { action: "PutObject", partNumber: undefined },
      () => api.post<Signed>("upload/sign-put", { role: this.role, key: this.key, checksum }),
      this.file,
      (n) => {
        this.inFlight.set(1, n);
        this.progress();
      },
      signal,
    );
    this.inFlight.clear();
    this.partsSent = 1;
    this.versionId = answer.headers("x-amz-version-id");
  }

  private async multipart(planned: PlannedPart[], partSize: number, signal: AbortSignal) {
    if (this.uploadId === undefined) await this.reattach(planned, partSize, signal);
    if (this.uploadId === undefined) {
      const { uploadId } = await api.post<{ uploadId: string }>("upload/start", {
        role: this.role,
        key: this.key,
      });
      this.uploadId = uploadId;
      this.partSize = partSize;
      this.saveRecord();
    }
    const uploadId = this.uploadId;
    this.set("uploading");
    const todo = planned.filter((p) => !this.done.has(p.number));
    let first: unknown;
    await Promise.allSettled(
      todo.map((part) =>
        this.limiter
          .run(async () => {
            if (signal.aborted) throw new Stop("stopped");
            this.done.set(part.number, await this.sendPart(uploadId, part, signal));
            this.saveRecord();
            this.inFlight.delete(part.number);
            this.partsSent++;
            this.progress();
          })
          .catch((err: unknown) => {
            this.inFlight.delete(part.number);
            if (first === undefined) {
              first = err;
              this.controller?.abort(new Stop("a part failed"));
            }
          }),
      ),
    );
    if (first !== undefined) throw first;
    this.set("completing");
    const parts = planned.map((p) => this.done.get(p.number) as DonePart);
    const completed = await api.post<{ versionId: string | null }>("upload/complete", {
      role: this.role,
      key: this.key,
      uploadId,
      parts,
    });
    this.versionId = completed.versionId;
    resumeStore.remove(this.bucket, this.key, this.file);
  }

  private saveRecord(): void {
    if (this.uploadId === undefined) return;
    resumeStore.save(
      {
        key: this.key,
        role: this.role,
        uploadId: this.uploadId,
        partSize: this.partSize,
        name: this.file.name,
        size: this.file.size,
        lastModified: this.file.lastModified,
        bucket: this.bucket,
        parts: [...this.done.values()],
      },
      this.file,
    );
  }

  /** After a reload: the same file picked again continues its multipart upload. */
  private async reattach(planned: PlannedPart[], partSize: number, signal: AbortSignal) {
    const record = resumeStore.find(this.bucket, this.key, this.file);
    if (record === undefined || record.partSize !== partSize || record.role !== this.role) return;
    this.set("checking", "Checking which parts S3 already holds…");
    let server: {
      parts: { number: number; size: number; etag: string; checksumSha256?: string }[];
    };
    try {
      server = await api.post("upload/list-parts", {
        role: this.role,
        key: this.key,
        uploadId: record.uploadId,
      });
    } catch (err) {
      if (
        err instanceof ApiError &&
        (err.kind === "not-found" || /NoSuchUpload/.test(err.message))
      ) {
        resumeStore.remove(this.bucket, this.key, this.file);
        return;
      }
      throw err;
    }
    const plan = reconcileParts(planned, server.parts, record.parts ?? []);
    for (const part of plan.done) this.done.set(part.number, part);
    for (const part of plan.verify) {
      if (signal.aborted) throw new Stop("stopped");
      const local = planned[part.number - 1];
      if (local === undefined) continue;
      const checksum = await this.hasher.sha256(this.file, local.start, local.start + local.size);
      if (checksum === part.checksumSha256) {
        this.done.set(part.number, {
          number: part.number,
          size: part.size,
          etag: part.etag,
          checksumSha256: checksum,
        });
      }
    }
    this.uploadId = record.uploadId;
    this.partSize = partSize;
    this.partsResumed = this.done.size;
    this.progress();
  }

  private async sendPart(
    uploadId: string,
    part: PlannedPart,
    signal: AbortSignal,
  ): Promise<DonePart> {
    const end = part.start + part.size;
    const checksum = await this.hasher.sha256(this.file, part.start, end);
    const answer = await this.send(
      { action: "UploadPart", partNumber: part.number },
      () =>
        api.post<Signed>("upload/sign-part", {
          role: this.role,
          key: this.key,
          uploadId,
          partNumber: part.number,
          checksum,
        }),
      this.file.slice(part.start, end),
      (n) => {
        this.inFlight.set(part.number, n);
        this.progress();
      },
      signal,
    );
    const etag = answer.headers("etag");
    if (etag === null) {
      throw new Error(
        `S3 sent no ETag for part ${part.number}: the bucket's CORS rule must expose ETag.`,
      );
    }
    return { number: part.number, size: part.size, etag, checksumSha256: checksum };
  }

  /** Sign just in time, PUT, retry by the CLI's policy; a URL S3 calls expired is signed again. */
  private async send(
    what: { action: "PutObject" | "UploadPart"; partNumber: number | undefined },
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
        final = () => this.refusal(what.action, what.partNumber, answer.status, code, message);
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

  private refusal(
    action: "PutObject" | "UploadPart",
    partNumber: number | undefined,
    status: number,
    code: string | undefined,
    message: string | undefined,
  ): Error {
    const what = partNumber === undefined ? "the file" : `part ${partNumber}`;
    if (
      code === "BadDigest" ||
      code === "XAmzContentChecksumMismatch" ||
      code === "InvalidDigest"
    ) {
      return new Error(
        `S3 refused ${what} of "${this.key}": the bytes it received do not match the SHA-256 this page computed (${code}). Nothing was stored; retry the upload.`,
      );
    }
    const mapped = mapS3HttpError({
      status,
      s3ErrorCode: code,
      s3Message: message,
      action,
      role: this.role,
      bucket: this.bucket,
      key: this.key,
    });
    return new Error(`S3 refused ${what}: ${mapped.message}`);
  }
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
