import type { Role } from "../../../core/roles.js";
import { createLimiter } from "../../../core/transfer/limiter.js";
import { CONNECTION_LOST, PARTS_IN_FLIGHT, UploadJob } from "./engine.js";
import { createHasher } from "./hasher.js";

/** Files running at once; their parts share one limiter (4 PUTs in flight overall). */
const FILES_AT_ONCE = 2;
/** A job between its start and its end: what FILES_AT_ONCE counts. */
const ACTIVE: ReadonlyArray<UploadJob["status"]> = ["checking", "uploading", "completing"];

export interface QueuedFile {
  file: File;
  /** Path inside a picked or dropped folder ("" for a single file). */
  relativePath: string;
}

/** The upload queue of the page: schedules jobs, pauses on a lost connection, resumes on its return. */
export class UploadQueue {
  readonly jobs: UploadJob[] = [];
  private readonly hasher = createHasher(2);
  private readonly limiter = createLimiter(PARTS_IN_FLIGHT);
  /** Rate sampling for the view: bytes per second, smoothed. */
  readonly rates = new Map<UploadJob, number>();
  private last = new Map<UploadJob, { at: number; sent: number }>();
  private readonly listeners = new Set<() => void>();
  private readonly onChange = () => {
    for (const listener of this.listeners) listener();
  };

  constructor(private readonly bucket: string) {
    addEventListener("offline", () => {
      for (const job of this.jobs) job.pause(CONNECTION_LOST);
    });
    addEventListener("online", () => {
      for (const job of this.jobs)
        if (job.status === "paused" && job.message === CONNECTION_LOST)
          void job.resume().then(() => this.pump());
    });
  }

  add(files: QueuedFile[], prefix: string, role: Role): void {
    for (const { file, relativePath } of files) {
      const key = `${prefix}${relativePath || file.name}`;
      this.jobs.push(
        new UploadJob(file, key, role, this.bucket, this.hasher, this.onChange, this.limiter),
      );
    }
    this.pump();
    this.onChange();
  }

  /** Tells `listener` of every change (a view showing the queue); returns how to stop. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Jobs not yet settled (done, failed, cancelled) nor paused. */
  get running(): number {
    return this.jobs.filter((j) => j.status === "queued" || ACTIVE.includes(j.status)).length;
  }

  /** Starts queued jobs while fewer than FILES_AT_ONCE are active. */
  pump(): void {
    const active = this.jobs.filter((j) => ACTIVE.includes(j.status));
    for (const job of this.jobs) {
      if (active.length >= FILES_AT_ONCE) break;
      if (job.status !== "queued") continue;
      active.push(job);
      void job.start().then(() => this.pump());
    }
  }

  resume(job: UploadJob): void {
    void job.resume().then(() => this.pump());
  }

  /** Samples each job's bytes once a second (called by the view's ticker). */
  sample(now: number): void {
    for (const job of this.jobs) {
      const prev = this.last.get(job);
      this.last.set(job, { at: now, sent: job.sent });
      if (prev === undefined || job.status !== "uploading") {
        if (job.status !== "uploading") this.rates.delete(job);
        continue;
      }
      const instant = ((job.sent - prev.sent) * 1000) / Math.max(now - prev.at, 1);
      const before = this.rates.get(job);
      const smoothed = before === undefined ? instant : before * 0.7 + instant * 0.3;
      // Below a byte a second it is stalled, not slow: no rate, no time left.
      if (smoothed < 1) this.rates.delete(job);
      else this.rates.set(job, smoothed);
    }
  }
}

/** Files of a drop, folders walked (their inner paths kept). */
export async function filesOfDrop(items: DataTransferItemList): Promise<QueuedFile[]> {
  const entries = [...items]
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => e !== null && e !== undefined);
  const out: QueuedFile[] = [];
  const walk = async (entry: FileSystemEntry, path: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject),
      );
      out.push({ file, relativePath: path === "" ? "" : `${path}${entry.name}` });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (batch.length === 0) break;
      for (const child of batch) await walk(child, `${path}${entry.name}/`);
    }
  };
  for (const entry of entries) await walk(entry, "");
  return out;
}
