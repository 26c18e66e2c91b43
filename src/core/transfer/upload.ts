import { createHash } from "node:crypto";
import { type lstat, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isAlreadyExists } from "../aws-errors.js";
import { type Clock, systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import type { Presigner } from "../presign.js";
import type { Role } from "../roles.js";
import {
  compositeChecksum,
  FileChangedError,
  readRange,
  sha256OfRange,
  toBase64,
} from "./checksum.js";
import { CREATE_ONLY_HEADERS, completeMultipart } from "./complete.js";
import { bufferBody, fileBodyFactory } from "./file-body.js";
import { validateKey } from "./keys.js";
import { createLimiter, type Limiter } from "./limiter.js";
import { DEFAULT_CONCURRENCY, type PlannedPart, planParts } from "./part-plan.js";
import { reconcileParts } from "./resume.js";
import type { RetryOptions } from "./retry-policy.js";
import {
  type CallContext,
  interrupted,
  type Operation,
  S3RequestError,
  s3Call,
} from "./s3-call.js";
import { parseListParts, type ServerPart, xmlText } from "./s3-xml.js";
import type { RecordedPart, ResumeIdentity, ResumeRecord, StateStore } from "./state-store.js";
import { transferContext } from "./transfer-context.js";
import type { Transport } from "./transport.js";

export type TransferEvent =
  | { type: "file-start"; path: string; key: string; size: number }
  | { type: "bytes"; key: string; delta: number }
  | { type: "file-done"; path: string; key: string }
  | { type: "note"; message: string };

/** What every transfer is given: signing, sending, time, resume storage, cancellation. */
export interface TransferDeps {
  presigner: Presigner;
  /** The role whose session signs the URLs (named when S3 refuses one). */
  role?: Role;
  transport: Transport;
  stateStore: StateStore;
  clock?: Clock;
  signal?: AbortSignal;
  /** End of the role session that signs the URLs (absent for static credentials). */
  sessionExpiresAt?: Date;
  onEvent?: (event: TransferEvent) => void;
  retry?: RetryOptions;
  random?: () => number;
}

export interface UploadOptions {
  bucket: string;
  partSize?: number;
  threshold?: number;
  concurrency?: number;
  /** Continue an interrupted upload; keep its state when interrupted again. */
  resume?: boolean;
  /**
   * Create new keys only (the Uploader's rule): the single PUT and the
   * Complete carry a signed `If-None-Match: *`, so S3 refuses to replace an
   * existing key (412) and the refusal reads "already exists".
   */
  createOnly?: boolean;
}

export { CREATE_ONLY_HEADERS } from "./complete.js";

export interface UploadResult {
  path: string;
  key: string;
  versionId: string | null;
  size: number;
  /** S3's form: base64 SHA-256 of the file, or for multipart base64 SHA-256 of the part SHA-256s + "-N". */
  checksum: string;
  checksumType: "FULL_OBJECT" | "COMPOSITE";
  parts: number;
  seconds: number;
}

/** One uploader per file: a single PUT below the threshold, else multipart. */
export async function uploadFile(
  deps: TransferDeps,
  options: UploadOptions & { path: string; key: string },
  requests: Limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY),
): Promise<UploadResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const path = resolve(options.path);
  const key = validateKey(options.key);
  const ctx = transferContext(deps, options.bucket, clock);
  const info = await statFile(path);
  const identity: ResumeIdentity = {
    path,
    size: info.size,
    mtimeMs: info.mtimeMs,
    bucket: options.bucket,
    key,
  };
  const emit = deps.onEvent ?? (() => {});
  emit({ type: "file-start", path, key, size: info.size });
  const onBytes = (delta: number) => emit({ type: "bytes", key, delta });

  const store = deps.stateStore;
  // A file below the multipart threshold never had a resume record (the CLI
  // offers no other threshold): one PUT, without the record's lock and lookup
  // (7 file operations per file, most of a small file's cost in a folder).
  const fresh = planParts(info.size, {
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
  });
  if (fresh.kind === "single" && !options.resume && options.threshold === undefined) {
    const single = await requests.run(() =>
      putSingle(ctx, identity, onBytes, options.createOnly === true),
    );
    emit({ type: "file-done", path, key });
    return { ...single, seconds: (clock.now() - started) / 1000 };
  }
  const lock = await store.lock(identity);
  let result: Omit<UploadResult, "seconds">;
  try {
    const existing = await store.load(identity);
    // A resume record pins the part size it was started with.
    const plan = planParts(info.size, {
      ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
      ...(existing && options.resume ? { partSize: existing.partSize, threshold: 0 } : {}),
    });
    if (existing && (!options.resume || plan.kind === "single")) {
      // A stale upload of this same file that the user did not ask to continue.
      await abortQuietly(ctx, key, existing.uploadId);
      await store.remove(identity);
    }
    const createOnly = options.createOnly === true;
    if (plan.kind === "single") {
      result = await requests.run(() => putSingle(ctx, identity, onBytes, createOnly));
    } else {
      result = await multipart(ctx, deps, identity, plan.parts, plan.partSize, {
        createOnly,
        resume: options.resume === true,
        existing: options.resume ? existing : undefined,
        requests,
        onBytes,
      });
    }
  } finally {
    await lock.release();
  }
  emit({ type: "file-done", path, key });
  return { ...result, seconds: (clock.now() - started) / 1000 };
}

async function statFile(path: string) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new StrongboxError("usage", `${path} is not a regular file.`);
    return info;
  } catch (error) {
    if (error instanceof StrongboxError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StrongboxError("not-found", `No such file: ${path}`);
    }
    throw error;
  }
}

/** The file must still be what it was when the upload began. */
async function assertUnchanged(identity: ResumeIdentity): Promise<void> {
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await stat(identity.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StrongboxError("failed", `The file ${identity.path} vanished during the upload.`);
    }
    throw error;
  }
  if (info.size !== identity.size || info.mtimeMs !== identity.mtimeMs) {
    throw changed(identity.path);
  }
}

const changed = (path: string) =>
  new StrongboxError("failed", `The file ${path} changed during the upload; nothing was stored.`, {
    hint: "Upload it again once it is no longer being written.",
  });

/** Files up to this size are read into memory once instead of twice from disk (files in flight × this). */
const READ_ONCE_MAX_BYTES = 1024 * 1024;

async function putSingle(
  ctx: CallContext,
  identity: ResumeIdentity,
  onBytes: (delta: number) => void,
  createOnly: boolean,
): Promise<Omit<UploadResult, "seconds">> {
  const { path, key, size } = identity;
  // A small file is read once (hashed and sent from memory); a larger one is
  // hashed in a first pass and streamed in a second, so memory stays bounded.
  const data =
    size <= READ_ONCE_MAX_BYTES ? await guardFile(path, () => readRange(path, 0, size)) : undefined;
  const checksum = toBase64(
    data
      ? createHash("sha256").update(data).digest()
      : await guardFile(path, () => sha256OfRange(path, 0, size, ctx.signal)),
  );
  const op: Operation = { action: "PutObject", key, doing: "upload" };
  const headers = await guardFile(path, () =>
    s3Call(
      ctx,
      {
        op,
        method: "PUT",
        key,
        headers: {
          "content-length": String(size),
          "x-amz-checksum-sha256": checksum,
          // Names the algorithm; S3 ignores it beside x-amz-checksum-sha256, some emulators need it to keep the checksum.
          "x-amz-sdk-checksum-algorithm": "SHA256",
          ...(createOnly ? CREATE_ONLY_HEADERS : {}),
        },
        body: data ? bufferBody(data, onBytes) : fileBodyFactory(path, 0, size, onBytes),
      },
      async (res) => {
        await res.discard();
        return res.headers;
      },
    ),
  );
  await assertUnchanged(identity);
  const echoed = headers["x-amz-checksum-sha256"];
  if (echoed !== undefined && echoed !== checksum) {
    throw new StrongboxError(
      "failed",
      `S3 stored "${key}" with a different checksum than the file's.`,
    );
  }
  return {
    path,
    key,
    versionId: headers["x-amz-version-id"] ?? null,
    size,
    checksum,
    checksumType: "FULL_OBJECT",
    parts: 1,
  };
}

async function multipart(
  ctx: CallContext,
  deps: TransferDeps,
  identity: ResumeIdentity,
  planned: PlannedPart[],
  partSize: number,
  opts: {
    createOnly: boolean;
    resume: boolean;
    existing: ResumeRecord | undefined;
    requests: Limiter;
    onBytes: (d: number) => void;
  },
): Promise<Omit<UploadResult, "seconds">> {
  const { path, key } = identity;
  const store = deps.stateStore;
  const done = new Map<number, RecordedPart>();
  let record: ResumeRecord | undefined;

  if (opts.existing) {
    const server = await listAllParts(ctx, key, opts.existing.uploadId).catch((error: unknown) => {
      if (
        error instanceof S3RequestError &&
        (error.code === "NoSuchUpload" || error.status === 404)
      )
        return undefined;
      throw error;
    });
    if (server === undefined) {
      await store.remove(identity);
      deps.onEvent?.({
        type: "note",
        message: `The earlier upload of "${key}" is gone from S3; starting over.`,
      });
    } else {
      record = opts.existing;
      const plan = reconcileParts(planned, server, record.parts);
      for (const part of plan.done) done.set(part.number, part);
      for (const part of plan.verify) {
        const local = planned[part.number - 1];
        if (!local) continue;
        const digest = toBase64(
          await guardFile(path, () => sha256OfRange(path, local.start, local.size)),
        );
        if (digest === part.checksumSha256) {
          done.set(part.number, {
            number: part.number,
            size: part.size,
            etag: part.etag,
            checksumSha256: digest,
          });
        }
      }
      record = { ...record, parts: [...done.values()] };
      await store.save(record);
      deps.onEvent?.({
        type: "note",
        message: `Resuming "${key}": ${done.size} of ${planned.length} parts are already on S3.`,
      });
    }
  }

  if (record === undefined) {
    const uploadId = await createMultipart(ctx, key);
    record = {
      version: 1,
      ...identity,
      uploadId,
      partSize,
      parts: [],
      createdAt: new Date(ctx.clock.now()).toISOString(),
    };
    await store.save(record);
  }
  const uploadId = record.uploadId;
  const resumed = [...done.values()].reduce((sum, p) => sum + p.size, 0);
  if (resumed > 0) opts.onBytes(resumed);

  // Saves are chained so the record on disk only ever grows, one whole JSON at a time.
  let saving: Promise<void> = Promise.resolve();
  const saveRecord = () => {
    const snapshot = {
      ...(record as ResumeRecord),
      parts: [...done.values()].sort((a, b) => a.number - b.number),
    };
    saving = saving.then(() => store.save(snapshot));
    return saving;
  };

  // Our own controller: the first failed part stops the others.
  const local = new AbortController();
  const onUserAbort = () => local.abort(deps.signal?.reason);
  deps.signal?.addEventListener("abort", onUserAbort, { once: true });
  const partCtx: CallContext = { ...ctx, signal: local.signal };
  try {
    const todo = planned.filter((p) => !done.has(p.number));
    await runAll(
      todo.map(
        (part) => () =>
          opts.requests.run(async () => {
            await assertUnchanged(identity);
            const recorded = await sendPart(partCtx, identity, uploadId, part, opts.onBytes);
            done.set(part.number, recorded);
            await saveRecord();
          }),
      ),
      local.signal,
      () => local.abort(),
    );
    await saving;
    await assertUnchanged(identity);
    const parts = planned.map((p) => done.get(p.number) as RecordedPart);
    const digests = parts.map((p) => Buffer.from(p.checksumSha256, "base64"));
    const checksum = `${toBase64(compositeChecksum("sha256", digests))}-${parts.length}`;
    const completed = await completeMultipart(
      ctx,
      key,
      uploadId,
      parts,
      { checksum, size: identity.size, createOnly: opts.createOnly },
      (message) => deps.onEvent?.({ type: "note", message }),
    );
    if (completed.checksum !== undefined && completed.checksum !== checksum) {
      throw new StrongboxError(
        "failed",
        `S3 reports a different checksum for "${key}" than the parts sent.`,
      );
    }
    await store.remove(identity);
    return {
      path,
      key,
      versionId: completed.versionId,
      size: identity.size,
      checksum,
      checksumType: "COMPOSITE",
      parts: parts.length,
    };
  } catch (error) {
    await saving.catch(() => {});
    const userInterrupted = deps.signal?.aborted === true;
    const fileChanged =
      error instanceof StrongboxError && /changed during|vanished/.test(error.message);
    // The key exists and this role may not replace it: a resume would meet the same refusal.
    const refused = isAlreadyExists(error);
    if (fileChanged || refused) {
      // Nothing to come back to: free the parts S3 is holding (and billing).
      await abortQuietly(ctx, key, uploadId);
      await store.remove(identity);
    }
    if (userInterrupted) {
      // Ctrl-C keeps the parts and the state, --resume or not: the work is not thrown away.
      throw new StrongboxError("interrupted", "The upload was interrupted; its state is kept.", {
        hint: "run the same command with --resume to continue (without it, the upload starts over)",
      });
    }
    // S3 still failing (5xx, SlowDown) after the retry budget: the parts it has are
    // kept, so "retry later" means "with --resume".
    const transient =
      error instanceof S3RequestError &&
      (error.status >= 500 || error.code === "SlowDown" || error.code === "RequestTimeout");
    if (
      error instanceof StrongboxError &&
      error.kind !== "usage" &&
      !fileChanged &&
      (error.hint === undefined || transient)
    ) {
      throw new StrongboxError(error.kind, error.message, {
        hint: "Run the same command with --resume to continue where it stopped.",
        cause: error,
      });
    }
    throw error;
  } finally {
    deps.signal?.removeEventListener("abort", onUserAbort);
  }
}

export async function createMultipart(ctx: CallContext, key: string): Promise<string> {
  const op: Operation = {
    action: "CreateMultipartUpload",
    key,
    doing: "start a multipart upload of",
  };
  const body = await s3Call(
    ctx,
    {
      op,
      method: "POST",
      key,
      query: { uploads: "" },
      headers: { "x-amz-checksum-algorithm": "SHA256" },
    },
    (res) => res.text(),
  );
  const uploadId = xmlText(body, "UploadId");
  if (!uploadId) throw new StrongboxError("failed", `S3 did not return an upload id for "${key}".`);
  return uploadId;
}

async function sendPart(
  ctx: CallContext,
  identity: ResumeIdentity,
  uploadId: string,
  part: PlannedPart,
  onBytes: (delta: number) => void,
): Promise<RecordedPart> {
  const { path, key } = identity;
  // First pass: the part's SHA-256, so S3 can check what it receives (signed header).
  const checksum = toBase64(
    await guardFile(path, () => sha256OfRange(path, part.start, part.size, ctx.signal)),
  );
  const op: Operation = { action: "UploadPart", key, doing: `upload part ${part.number} of` };
  const etag = await guardFile(path, () =>
    s3Call(
      ctx,
      {
        op,
        method: "PUT",
        key,
        query: { partNumber: String(part.number), uploadId },
        headers: { "content-length": String(part.size), "x-amz-checksum-sha256": checksum },
        body: fileBodyFactory(path, part.start, part.size, onBytes),
      },
      async (res) => {
        await res.discard();
        const echoed = res.headers["x-amz-checksum-sha256"];
        if (echoed !== undefined && echoed !== checksum) {
          throw new StrongboxError(
            "failed",
            `S3 stored part ${part.number} of "${key}" with a different checksum.`,
          );
        }
        const tag = res.headers.etag;
        if (!tag)
          throw new StrongboxError(
            "failed",
            `S3 returned no ETag for part ${part.number} of "${key}".`,
          );
        return tag;
      },
    ),
  );
  return { number: part.number, size: part.size, etag, checksumSha256: checksum };
}

export async function listAllParts(
  ctx: CallContext,
  key: string,
  uploadId: string,
): Promise<ServerPart[]> {
  const op: Operation = { action: "ListParts", key, doing: "list the uploaded parts of" };
  const parts: ServerPart[] = [];
  let marker: string | undefined;
  for (;;) {
    const query: Record<string, string> = {
      uploadId,
      ...(marker ? { "part-number-marker": marker } : {}),
    };
    const page = parseListParts(
      await s3Call(ctx, { op, method: "GET", key, query }, (res) => res.text()),
    );
    parts.push(...page.parts);
    if (!page.truncated || !page.nextMarker || page.nextMarker === marker) return parts;
    marker = page.nextMarker;
  }
}

/** Best effort, with its own short deadline: it runs after a Ctrl-C, whose signal is already spent. */
export async function abortQuietly(ctx: CallContext, key: string, uploadId: string): Promise<void> {
  const op: Operation = { action: "AbortMultipartUpload", key, doing: "abort the upload of" };
  const { signal: _spent, checkSession: _guard, ...rest } = ctx;
  try {
    await s3Call(
      {
        ...rest,
        signal: AbortSignal.timeout(15_000),
        retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
      },
      {
        op,
        method: "DELETE",
        key,
        query: { uploadId },
        ok: (s) => (s >= 200 && s < 300) || s === 404,
      },
      (res) => res.discard(),
    );
  } catch {
    // Left for the bucket's lifecycle rule (abort incomplete multipart uploads).
  }
}

/** Reading the file failed because it changed or vanished: say so plainly. */
async function guardFile<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FileChangedError) throw changed(path);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT")
      throw new StrongboxError("failed", `The file ${path} vanished during the upload.`);
    if (code === "ABORT_ERR") throw interrupted(error);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof FileChangedError) throw changed(path);
    throw error;
  }
}

/**
 * Run tasks concurrently (their own limiter bounds them); on the first failure,
 * call `stop` so the rest end early, wait for all to settle, and throw that first failure.
 */
export async function runAll<T>(
  tasks: Array<() => Promise<T>>,
  _signal?: AbortSignal,
  stop?: () => void,
): Promise<T[]> {
  let first: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    tasks.map((task) =>
      task().catch((error: unknown) => {
        if (first === undefined) {
          first = { error };
          stop?.();
        }
        throw error;
      }),
    ),
  );
  if (first !== undefined) throw first.error;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
