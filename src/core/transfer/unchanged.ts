import { type Stats, statSync } from "node:fs";
import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import { compositeChecksum, sha256OfRange, toBase64 } from "./checksum.js";
import { listPrefix } from "./download-many.js";
import { createLimiter } from "./limiter.js";
import { headObject } from "./s3-transfer.js";
import { transferContext } from "./transfer-context.js";
import type { TransferDeps } from "./transfer-types.js";
import { compositeParts } from "./verify.js";

/**
 * "Unchanged" as sync means it: the local file has the same size and the same
 * SHA-256 as the object's current version (S3's stored checksum; for a
 * multipart object the composite of the part SHA-256s, its part size read
 * from part 1). An object without a stored SHA-256 never counts as unchanged.
 */
export type Sameness = "same" | "different" | "missing" | "unknown";

export interface SamenessCheck {
  path: string;
  key: string;
  versionId?: string;
}

export async function compareWithObject(
  deps: Omit<TransferDeps, "stateStore">,
  bucket: string,
  check: SamenessCheck,
  /** The file's stat when the caller has it already. */
  local: Stats | undefined = statSync(check.path, { throwIfNoEntry: false }),
): Promise<Sameness> {
  if (local === undefined || !local.isFile()) return "missing";
  const ctx = transferContext(deps, bucket, deps.clock ?? systemClock);
  let head: Awaited<ReturnType<typeof headObject>>;
  try {
    head = await headObject(ctx, check.key, check.versionId);
  } catch (error) {
    if (error instanceof StrongboxError && error.kind === "not-found") return "missing";
    throw error;
  }
  if (head.size !== local.size) return "different";
  const stored = head.checksumSha256;
  if (stored === null) return "unknown";
  // Composite: "…-N", or a multipart ETag when the server leaves the -N off the checksum.
  const parts = compositeParts(head);
  const digest = stored.replace(/-\d+$/, "");
  if (parts === undefined) {
    const whole = toBase64(await sha256OfRange(check.path, 0, local.size, deps.signal));
    return whole === digest ? "same" : "different";
  }
  const partSize = (await headObject(ctx, check.key, check.versionId, 1)).size;
  if (partSize <= 0 || Math.ceil(local.size / partSize) !== parts) return "unknown";
  const digests: Buffer[] = [];
  for (let i = 0; i < parts; i++) {
    const start = i * partSize;
    digests.push(
      await sha256OfRange(check.path, start, Math.min(partSize, local.size - start), deps.signal),
    );
  }
  return toBase64(compositeChecksum("sha256", digests)) === digest ? "same" : "different";
}

/** What S3 says of one object (a read: HEAD), for --dry-run. */
export async function describeObject(
  deps: Omit<TransferDeps, "stateStore">,
  bucket: string,
  key: string,
  versionId?: string,
): Promise<{ size: number; versionId: string | null }> {
  const ctx = transferContext(deps, bucket, deps.clock ?? systemClock);
  const head = await headObject(ctx, key, versionId);
  return { size: head.size, versionId: head.versionId };
}

const STOPS = new Set(["credentials", "interrupted", "usage"]);

/**
 * Splits upload jobs into those to send and those already in S3 unchanged.
 * The objects' sizes come from `listed` (a key it lacks is missing), else
 * from one listing of the keys' common folder when that is cheaper than a
 * HEAD per file; only a file of the same size as its object is hashed. A
 * role that may not read the bucket (the Uploader) cannot tell: every file is
 * sent, and `unreadable` says why.
 */
export async function partitionUnchanged<Job extends { path: string; key: string }>(
  deps: Omit<TransferDeps, "stateStore">,
  bucket: string,
  jobs: Job[],
  options: {
    /** HEADs in flight (default 8). */
    concurrency?: number;
    /** The objects' sizes by key, from a listing the caller made. */
    listed?: Map<string, number>;
  } = {},
): Promise<{ send: Job[]; unchanged: Job[]; unreadable: StrongboxError | undefined }> {
  const limiter = createLimiter(options.concurrency ?? 8);
  const listed =
    options.listed ??
    (await listedSizes(
      deps,
      bucket,
      jobs.map((job) => job.key),
    ));
  let unreadable: StrongboxError | undefined;
  const verdicts = await Promise.all(
    jobs.map((job) =>
      limiter.run(async (): Promise<Sameness> => {
        if (unreadable !== undefined) return "unknown";
        const local = statSync(job.path, { throwIfNoEntry: false });
        if (local === undefined || !local.isFile()) return "missing";
        if (listed !== undefined) {
          const size = listed.get(job.key);
          if (size === undefined) return "missing";
          if (size !== local.size) return "different";
        }
        try {
          return await compareWithObject(deps, bucket, job, local);
        } catch (error) {
          if (error instanceof StrongboxError && error.kind === "access-denied") {
            unreadable ??= error;
            return "unknown";
          }
          // A lost session or Ctrl-C stops the batch; any other doubt means "send it",
          // and the upload itself reports what goes wrong with that file.
          if (error instanceof StrongboxError && STOPS.has(error.kind)) throw error;
          return "unknown";
        }
      }),
    ),
  );
  return {
    send: jobs.filter((_, i) => verdicts[i] !== "same"),
    unchanged: jobs.filter((_, i) => verdicts[i] === "same"),
    unreadable,
  };
}

/** Listing pages (1,000 keys each) worth reading per 1,000 files before a HEAD per file is cheaper. */
const PAGES_PER_THOUSAND_FILES = 2;

/**
 * The sizes of the objects under the keys' common folder, by key: one listing
 * spares a HEAD per file for the keys S3 doesn't have (a new folder's upload).
 * undefined when the role may not list, the folder holds many more objects
 * than the keys, or there is a single key (its HEAD is as cheap).
 */
export async function listedSizes(
  deps: Omit<TransferDeps, "stateStore">,
  bucket: string,
  keys: string[],
): Promise<Map<string, number> | undefined> {
  if (keys.length < 2) return undefined;
  const maxPages = 1 + PAGES_PER_THOUSAND_FILES * Math.ceil(keys.length / 1000);
  try {
    const objects = await listPrefix(deps, bucket, commonFolder(keys), maxPages);
    return objects && new Map(objects.map((o) => [o.key, o.size]));
  } catch (error) {
    if (error instanceof StrongboxError && STOPS.has(error.kind)) throw error;
    return undefined; // may not list (the Uploader): a HEAD per file says what it can
  }
}

/** The longest folder ("…/", or "") that every key lies in. */
export function commonFolder(keys: string[]): string {
  let common = keys[0] ?? "";
  for (const key of keys) {
    let i = 0;
    while (i < common.length && i < key.length && common[i] === key[i]) i++;
    common = common.slice(0, i);
  }
  return common.slice(0, common.lastIndexOf("/") + 1);
}
