import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, sep } from "node:path";
import { isAlreadyExists } from "../aws-errors.js";
import { systemClock } from "../clock.js";
import { type ErrorKind, StrongboxError } from "../errors.js";
import { bodyPool } from "./body-pool.js";
import { keyFor, validateKey } from "./keys.js";
import { createLimiter } from "./limiter.js";
import {
  DEFAULT_FILES_IN_FLIGHT,
  DEFAULT_UPLOAD_CONCURRENCY,
  requestsInFlight,
} from "./part-plan.js";
import { sessionGuard } from "./session-guard.js";
import type { TransferDeps, UploadOptions, UploadResult } from "./transfer-types.js";
import { READ_ONCE_MAX_BYTES, uploadFile } from "./upload.js";

export interface UploadJob {
  path: string;
  key: string;
}

export interface FailedUpload extends UploadJob {
  error: StrongboxError;
}

/**
 * Some files of a batch were not uploaded. The others were: `uploaded` lists
 * them, so a caller can report both and nothing is silently lost.
 */
export class BatchUploadError extends StrongboxError {
  readonly uploaded: UploadResult[];
  readonly failed: FailedUpload[];
  /** Files never started because an earlier failure (access, session) would repeat for them. */
  readonly notStarted: UploadJob[];
  constructor(uploaded: UploadResult[], failed: FailedUpload[], notStarted: UploadJob[]) {
    const total = uploaded.length + failed.length + notStarted.length;
    const listed = failed.slice(0, 5).map((f) => `${f.path}: ${f.error.message}`);
    const more = failed.length > 5 ? [`and ${failed.length - 5} more`] : [];
    const skipped = notStarted.length > 0 ? [`${notStarted.length} not started`] : [];
    super(
      commonKind(failed.map((f) => f.error.kind)),
      `${failed.length + notStarted.length} of ${total} files were not uploaded (` +
        `${[...listed, ...more, ...skipped].join("; ")}).`,
      { hint: failed[0]?.error.hint ?? "fix the cause, then upload the files listed again" },
    );
    this.name = "BatchUploadError";
    this.uploaded = uploaded;
    this.failed = failed;
    this.notStarted = notStarted;
  }
}

const commonKind = (kinds: ErrorKind[]): ErrorKind =>
  kinds.every((k) => k === kinds[0]) && kinds[0] !== undefined ? kinds[0] : "failed";

/** Failures that would repeat for every other file: stop starting new ones. */
const STOPS_THE_BATCH: ReadonlySet<ErrorKind> = new Set([
  "access-denied",
  "credentials",
  "interrupted",
  "usage",
]);

/**
 * Upload files and directories (recursively: key = prefix + relative POSIX path).
 * One file failing does not stop the others; the failures are reported together
 * at the end (BatchUploadError), beside what was uploaded.
 */
export async function uploadPaths(
  deps: TransferDeps,
  input: {
    paths: string[];
    key?: string;
    prefix?: string;
    /** Already expanded (and filtered) by the caller: `paths`, `key` and `prefix` are then ignored. */
    jobs?: UploadJob[];
    /** Files in flight (default DEFAULT_FILES_IN_FLIGHT). */
    files?: number;
  } & UploadOptions,
): Promise<UploadResult[]> {
  const note = (message: string) => deps.onEvent?.({ type: "note", message });
  const jobs = input.jobs ?? (await expandPaths(input.paths, input.key, input.prefix ?? "", note));
  const clock = deps.clock ?? systemClock;
  sessionGuard(deps.sessionExpiresAt, () => clock.now()).checkStart();
  // Many small files go in parallel (each one request); parts of large ones share the same
  // request limit, so a folder of big files never holds more than that many parts in flight.
  const filesInFlight = input.files ?? DEFAULT_FILES_IN_FLIGHT;
  const requests = createLimiter(
    requestsInFlight(input.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY, filesInFlight, jobs.length),
  );
  const files = createLimiter(filesInFlight);
  const bodies = bodyPool(READ_ONCE_MAX_BYTES, filesInFlight);

  const uploaded: UploadResult[] = [];
  const failed: FailedUpload[] = [];
  const notStarted: UploadJob[] = [];
  let stopper: StrongboxError | undefined;
  await Promise.all(
    jobs.map((job) =>
      files.run(async () => {
        if (stopper !== undefined || deps.signal?.aborted) {
          notStarted.push(job);
          return;
        }
        try {
          uploaded.push(await uploadFile(deps, { ...input, ...job }, requests, bodies));
        } catch (error) {
          if (jobs.length === 1) throw error;
          const known =
            error instanceof StrongboxError
              ? error
              : new StrongboxError("failed", `unexpected error: ${(error as Error).message}`, {
                  cause: error,
                });
          failed.push({ ...job, error: known });
          // A key that exists says nothing about the other files.
          if (STOPS_THE_BATCH.has(known.kind) && !isAlreadyExists(known)) stopper ??= known;
        }
      }),
    ),
  );
  if (failed.length === 0 && notStarted.length === 0) return inJobOrder(uploaded, jobs);
  throw new BatchUploadError(inJobOrder(uploaded, jobs), failed, notStarted);
}

function inJobOrder(results: UploadResult[], jobs: UploadJob[]): UploadResult[] {
  const order = new Map(jobs.map((j, i) => [j.key, i]));
  return [...results].sort((a, b) => (order.get(a.key) ?? 0) - (order.get(b.key) ?? 0));
}

/**
 * `select` sees each file found in a folder as a path relative to that folder
 * (POSIX separators) and keeps it or not (--exclude / --include); files named
 * on the command line are always kept.
 */
export async function expandPaths(
  paths: string[],
  key: string | undefined,
  prefix: string,
  note: (message: string) => void = () => {},
  select: (relativePath: string) => boolean = () => true,
): Promise<UploadJob[]> {
  if (paths.length === 0)
    throw new StrongboxError("usage", "Nothing to upload: give at least one PATH.");
  const jobs: UploadJob[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new StrongboxError(
        error.code === "ENOENT" ? "not-found" : "failed",
        error.code === "ENOENT"
          ? `No such file or directory: ${path}`
          : `Cannot read ${path} (${error.code}).`,
      );
    });
    if (info.isDirectory()) {
      for (const file of await walk(path, note)) {
        const below = relative(path, file).split(sep).join("/");
        if (select(below)) jobs.push({ path: file, key: keyFor(prefix, relative(path, file)) });
      }
    } else if (info.isFile()) {
      jobs.push({ path, key: validateKey(key ?? `${prefix}${basename(path)}`) });
    } else {
      throw new StrongboxError("usage", `${path} is neither a file nor a directory.`);
    }
  }
  if (key !== undefined && (jobs.length !== 1 || paths.length !== 1)) {
    throw new StrongboxError(
      "usage",
      "--key names one object: use it with a single file (or use --prefix).",
    );
  }
  const seen = new Set<string>();
  for (const job of jobs) {
    if (seen.has(job.key))
      throw new StrongboxError("usage", `Two files would upload to the same key "${job.key}".`);
    seen.add(job.key);
  }
  return jobs;
}

/**
 * Regular files under `dir`, sorted. Symbolic links are not followed (no loops,
 * no escapes from the folder) and neither are sockets or devices: each one
 * skipped is named through `note`.
 */
async function walk(dir: string, note: (message: string) => void): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, note)));
    else if (entry.isFile()) out.push(full);
    else note(`Skipped ${full}: ${kindOf(entry)} (not uploaded; only regular files are).`);
  }
  return out;
}

const kindOf = (entry: Dirent): string =>
  entry.isSymbolicLink()
    ? "a symbolic link, not followed"
    : entry.isFIFO()
      ? "a named pipe"
      : entry.isSocket()
        ? "a socket"
        : "a device";
