import type { Role } from "../../../core/roles.js";
import { createLimiter, type Limiter } from "../../../core/transfer/limiter.js";
import { MiB, type PlannedPart, planParts } from "../../../core/transfer/part-plan.js";
import type { RecordedPart } from "../../../core/transfer/resume.js";
import { api } from "../api.js";
import { retryable } from "./failure.js";
import type { Hasher } from "./hasher.js";
import { reattach } from "./reattach.js";
import { resumeStore } from "./resume-store.js";
import { S3Unreachable, type Signed, Stop, sendSigned } from "./signed-put.js";

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

/** A part S3 acknowledged. */
type DonePart = RecordedPart;

export const CONNECTION_LOST = "Connection lost: the upload continues when it is back.";

/**
 * One file going to S3 from the browser. The server starts, signs, completes
 * and aborts; the browser hashes each part (worker), asks for its URL just
 * before sending, PUTs it and forgets it. S3's ListParts decides what a
 * resumed upload still needs.
 */
export class UploadJob {
  status: JobStatus = "queued";
  message = "";
  /** After a failure: whether a Retry could get past it (not a refusal by rule). */
  retryable = true;
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
      this.retryable = retryable(err);
      this.set("failed", err instanceof Error ? err.message : String(err));
    }
  }

  private async single(signal: AbortSignal): Promise<void> {
    const checksum = await this.hasher.sha256(this.file, 0, this.total);
    const answer = await sendSigned(
      this,
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
    if (this.uploadId === undefined) await this.continueEarlier(planned, partSize, signal);
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
  private async continueEarlier(planned: PlannedPart[], partSize: number, signal: AbortSignal) {
    const found = await reattach(this, planned, partSize, this.hasher, signal, () =>
      this.set("checking", "Checking which parts S3 already holds…"),
    );
    if (found === undefined) return;
    for (const part of found.done) this.done.set(part.number, part);
    this.uploadId = found.uploadId;
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
    const answer = await sendSigned(
      this,
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
}
