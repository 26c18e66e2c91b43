import { StrongboxError } from "../errors.js";
import { formatBytes } from "../text/bytes.js";

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const TiB = 1024 * GiB;

/** S3's multipart limits. */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * GiB;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_SIZE = 5 * TiB;
/** A single PUT may carry at most 5 GiB. */
export const MAX_SINGLE_PUT = 5 * GiB;

/** Defaults chosen by bench/ (see bench/README.md). */
export const DEFAULT_PART_SIZE = 16 * MiB;
/**
 * Unless a part size is asked for, a file gets ~64 parts of 16 to 64 MiB. A
 * 2 GiB upload (5 alternating rounds): 16 MiB parts 6.56 s, 97–99 MiB peak RSS;
 * 32 MiB 6.26 s, 93–95 MiB; 64 MiB 6.30 s, 82 MiB. 256 MiB keeps 16 MiB parts.
 */
const AIMED_PARTS = 64;
const LARGEST_DEFAULT_PART = 64 * MiB;
export const DEFAULT_MULTIPART_THRESHOLD = 16 * MiB;
/**
 * Parts of one upload in flight. 16: what every upload measured in bench/
 * had (a single file got at least as many requests as files in flight, 16,
 * whatever --concurrency said, until that was mended).
 */
export const DEFAULT_UPLOAD_CONCURRENCY = 16;
/**
 * Ranged requests of one download in flight. On a quiet machine 4 is as fast
 * as 8 or 16 (within 4 %); amid the other tools' runs of two full benchmarks
 * more ranges were faster, and steadier (256 MiB: 4 ranges 0.84–1.28 s, 16
 * ranges 0.72–0.77 s), as they are against S3's latency per request. 8, with
 * write batches small enough to keep a 2 GiB download under 100 MiB of RSS
 * (bench/README.md, "Ranged requests in flight, session 7").
 */
export const DEFAULT_DOWNLOAD_CONCURRENCY = 8;
/**
 * Files in flight at once in a folder or prefix transfer (one connection pool
 * for all). S3 is never a loopback away: 1,000 × 64 KiB behind 50 ms round
 * trips took 3.8–4.0 s with 16 in flight, 2.2–2.4 s with 32, 1.6–2.2 s with 64
 * (20 ms: 2.1–2.3 / 1.7–2.2 / 1.7–2.1 s); against a local MinIO the three are
 * within the noise. A prefix download of files of 1 MiB (each received whole)
 * peaked at 179–186 MiB with 64, 138–158 with 32, 128–132 with 16
 * (bench/README.md, "Files in flight").
 */
export const DEFAULT_FILES_IN_FLIGHT = 32;

/**
 * Requests in flight for a batch, shared by its files: a file's parts or
 * ranges (`concurrency`), or one request per file when more files than that
 * go at once. Never more files than there are: one file gets its
 * `concurrency`, as asked.
 */
export const requestsInFlight = (concurrency: number, filesInFlight: number, files: number) =>
  Math.max(concurrency, Math.min(filesInFlight, files));

export interface PlannedPart {
  /** 1-based, as S3 numbers parts. */
  number: number;
  /** Byte offset of the part's first byte in the file. */
  start: number;
  size: number;
}

export type PartPlan =
  | { kind: "single"; size: number }
  | { kind: "multipart"; size: number; partSize: number; parts: PlannedPart[] };

export interface PartPlanOptions {
  /** Wanted part size; grown if the file would need more than 10,000 parts. */
  partSize?: number;
  /** Files of at least this size go multipart. */
  threshold?: number;
}

/** The part size for a file of `size` when none is asked for (whole MiB). */
export function defaultPartSize(size: number): number {
  const aimed = Math.ceil(size / AIMED_PARTS / MiB) * MiB;
  return Math.min(LARGEST_DEFAULT_PART, Math.max(DEFAULT_PART_SIZE, aimed));
}

/** Part size fitting `size` into at most 10,000 parts: the wish, or the smallest whole MiB that fits. */
export function choosePartSize(size: number, wish: number = defaultPartSize(size)): number {
  if (!Number.isSafeInteger(wish) || wish < MIN_PART_SIZE) {
    throw new StrongboxError("usage", `The part size must be at least 5 MiB (got ${wish} bytes).`);
  }
  if (wish > MAX_PART_SIZE) {
    throw new StrongboxError("usage", `The part size must be at most 5 GiB (got ${wish} bytes).`);
  }
  if (Math.ceil(size / wish) <= MAX_PARTS) return wish;
  const fitting = Math.ceil(size / MAX_PARTS / MiB) * MiB;
  if (fitting > MAX_PART_SIZE) {
    throw new StrongboxError("failed", "The file is too large for one S3 object (5 TiB at most).");
  }
  return fitting;
}

/** Pure: from a file size to a single PUT or a list of parts. */
export function planParts(size: number, options: PartPlanOptions = {}): PartPlan {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new StrongboxError("usage", `Invalid file size ${size}.`);
  }
  if (size > MAX_OBJECT_SIZE) {
    throw new StrongboxError(
      "failed",
      `The file is ${formatBytes(size)}; an S3 object holds at most 5 TiB.`,
    );
  }
  const threshold = options.threshold ?? DEFAULT_MULTIPART_THRESHOLD;
  if (size === 0 || (size < threshold && size <= MAX_SINGLE_PUT)) return { kind: "single", size };
  const partSize = choosePartSize(size, options.partSize ?? defaultPartSize(size));
  const parts: PlannedPart[] = [];
  for (let start = 0, number = 1; start < size; start += partSize, number++) {
    parts.push({ number, start, size: Math.min(partSize, size - start) });
  }
  return { kind: "multipart", size, partSize, parts };
}

/** "16MiB", "8m", "5242880" → bytes. */
export function parseByteSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$/i.exec(text);
  if (!match) throw new StrongboxError("usage", `Cannot read "${text}" as a size (try 16MiB).`);
  const power = { "": 0, k: 1, m: 2, g: 3, t: 4 }[(match[2] ?? "").toLowerCase() as "" | "k"] ?? 0;
  return Math.round(Number(match[1]) * 1024 ** power);
}
