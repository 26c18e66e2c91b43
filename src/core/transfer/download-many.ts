import { setMaxListeners } from "node:events";
import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import { downloadObject } from "./download.js";
import { createLimiter } from "./limiter.js";
import {
  DEFAULT_DOWNLOAD_CONCURRENCY,
  DEFAULT_FILES_IN_FLIGHT,
  requestsInFlight,
} from "./part-plan.js";
import { createFilePartialStore, folderSync } from "./partial-file.js";
import { type Operation, s3Call } from "./s3-call.js";
import { parseListObjects } from "./s3-xml.js";
import type { CheckedFolders } from "./safe-path.js";
import { transferContext } from "./transfer-context.js";
import type { DownloadDeps, DownloadResult } from "./transfer-types.js";

export interface PrefixDownloadOptions {
  bucket: string;
  /** Ends with "/" (or is ""): every key under it is downloaded. */
  prefix: string;
  /** The folder the tree below the prefix is rebuilt in (default: the current folder). */
  out?: string;
  cwd?: string;
  /** Ranged requests in flight per file. */
  concurrency?: number;
  /** Files in flight at once; all share one connection pool. */
  files?: number;
  /** Fail each file S3 holds no comparable checksum for. */
  requireChecksum?: boolean;
  /** Already listed (and filtered) by the caller; absent: every object under the prefix. */
  objects?: ListedObject[];
}

export interface ListedObject {
  key: string;
  size: number;
}

export interface FailedDownload {
  key: string;
  error: StrongboxError;
}

/** Some objects under the prefix were not downloaded; `downloaded` lists those that were. */
export class BatchDownloadError extends StrongboxError {
  readonly downloaded: DownloadResult[];
  readonly failed: FailedDownload[];
  constructor(downloaded: DownloadResult[], failed: FailedDownload[], notStarted: number) {
    const total = downloaded.length + failed.length + notStarted;
    const listed = failed.slice(0, 5).map((f) => `${f.key}: ${f.error.message}`);
    const more = failed.length > 5 ? [`and ${failed.length - 5} more`] : [];
    const skipped = notStarted > 0 ? [`${notStarted} not started`] : [];
    super(
      failed.every((f) => f.error.kind === failed[0]?.error.kind)
        ? (failed[0]?.error.kind ?? "failed")
        : "failed",
      `${failed.length + notStarted} of ${total} objects were not downloaded (` +
        `${[...listed, ...more, ...skipped].join("; ")}).`,
      { hint: failed[0]?.error.hint ?? "run the same command again to fetch the rest" },
    );
    this.name = "BatchDownloadError";
    this.downloaded = downloaded;
    this.failed = failed;
  }
}

/**
 * `download PREFIX/ --out DIR/`: every object under the prefix, the tree below
 * the prefix rebuilt inside DIR (as `aws s3 cp --recursive` does). Each object
 * goes through downloadObject (verified, hostile keys refused); one failing does
 * not stop the others, unless it would repeat for all (access, session, Ctrl-C).
 */
export async function downloadPrefix(
  deps: DownloadDeps,
  options: PrefixDownloadOptions,
): Promise<DownloadResult[]> {
  const { prefix } = options;
  if (prefix !== "" && !prefix.endsWith("/")) {
    throw new StrongboxError(
      "usage",
      `A prefix download needs a prefix ending in "/" (got "${prefix}").`,
    );
  }
  const objects = options.objects ?? (await listPrefix(deps, options.bucket, prefix));
  const note = (message: string) => deps.onEvent?.({ type: "note", message });
  const out =
    options.out === undefined ? "./" : options.out.endsWith("/") ? options.out : `${options.out}/`;
  const filesInFlight = options.files ?? DEFAULT_FILES_IN_FLIGHT;
  const files = createLimiter(filesInFlight);
  // Small objects go in parallel (one GET each); the ranges of large ones share the same
  // request limit, so a prefix of big files never holds more than that many in flight.
  const requests = createLimiter(
    requestsInFlight(
      options.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY,
      filesInFlight,
      objects.length,
    ),
  );
  // One sync per folder for the whole batch, not one per file; each folder made and checked once.
  const folders = folderSync();
  const checkedFolders: CheckedFolders = new Map();
  const fileDeps: DownloadDeps = {
    ...deps,
    partials: deps.partials ?? createFilePartialStore({ folders }),
  };
  // Every file in flight listens for Ctrl-C on this one signal.
  if (deps.signal) setMaxListeners(0, deps.signal);
  const downloaded: DownloadResult[] = [];
  const failed: FailedDownload[] = [];
  let notStarted = 0;
  let stop = false;
  await Promise.all(
    objects.map((object) =>
      files.run(async () => {
        if (stop || deps.signal?.aborted) {
          notStarted++;
          return;
        }
        const name = object.key.slice(prefix.length);
        if (isFolderMarker(object, prefix)) {
          // A "folder" marker: an empty object whose key ends in "/".
          if (object.size > 0) note(`Skipped ${object.key}: a key ending in "/" names no file.`);
          return;
        }
        try {
          downloaded.push(
            await downloadObject(fileDeps, {
              bucket: options.bucket,
              key: object.key,
              name,
              out,
              // Known from the listing: a small object is one GET, without a HEAD.
              size: object.size,
              checkedFolders,
              requests,
              ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
              ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
              ...(options.requireChecksum ? { requireChecksum: true } : {}),
            }),
          );
        } catch (error) {
          const known =
            error instanceof StrongboxError
              ? error
              : new StrongboxError("failed", `unexpected error: ${(error as Error).message}`, {
                  cause: error,
                });
          failed.push({ key: object.key, error: known });
          if (["access-denied", "credentials", "interrupted"].includes(known.kind)) stop = true;
        }
      }),
    ),
  );
  await folders.flush();
  const order = new Map(objects.map((o, i) => [o.key, i]));
  downloaded.sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
  if (failed.length === 0 && notStarted === 0) return downloaded;
  throw new BatchDownloadError(downloaded, failed, notStarted);
}

/** A "folder" marker: a key ending in "/" (or the prefix itself), which names no file. */
export const isFolderMarker = (object: ListedObject, prefix: string): boolean => {
  const name = object.key.slice(prefix.length);
  return name === "" || name.endsWith("/");
};

/**
 * Every object under `prefix`, through pre-signed ListObjectsV2 requests
 * (continuation tokens); undefined when there are more than `maxPages` pages
 * of them (1,000 keys a page).
 */
export async function listPrefix(
  deps: DownloadDeps,
  bucket: string,
  prefix: string,
): Promise<ListedObject[]>;
export async function listPrefix(
  deps: DownloadDeps,
  bucket: string,
  prefix: string,
  maxPages: number,
): Promise<ListedObject[] | undefined>;
export async function listPrefix(
  deps: DownloadDeps,
  bucket: string,
  prefix: string,
  maxPages = Number.POSITIVE_INFINITY,
): Promise<ListedObject[] | undefined> {
  const ctx = transferContext(deps, bucket, deps.clock ?? systemClock);
  const op: Operation = { action: "ListObjectsV2", key: prefix, doing: "list" };
  const objects: ListedObject[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    if (pages++ >= maxPages) return undefined;
    const query: Record<string, string> = {
      "list-type": "2",
      ...(prefix === "" ? {} : { prefix }),
      ...(token === undefined ? {} : { "continuation-token": token }),
    };
    const xml = await s3Call(ctx, { op, method: "GET", key: null, query }, (res) => res.text());
    const page = parseListObjects(xml);
    objects.push(...page.objects);
    token = page.truncated && page.nextToken !== token ? page.nextToken : undefined;
  } while (token !== undefined);
  return objects;
}
