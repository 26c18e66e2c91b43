import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import type { BodyPool } from "./body-pool.js";
import { readRange, sha256OfRange, toBase64 } from "./checksum.js";
import { bufferBody, fileBodyFactory } from "./file-body.js";
import { validateKey } from "./keys.js";
import { createLimiter, type Limiter } from "./limiter.js";
import { DEFAULT_UPLOAD_CONCURRENCY, planParts } from "./part-plan.js";
import type { CallContext } from "./s3-call.js";
import { abortQuietly, putObject } from "./s3-transfer.js";
import type { ResumeIdentity } from "./state-store.js";
import { transferContext } from "./transfer-context.js";
import type { TransferDeps, UploadOptions, UploadResult } from "./transfer-types.js";
import { uploadMultipart } from "./upload-multipart.js";
import { assertUnchanged, guardFile, statFile } from "./upload-source.js";

/** For the callers that import them from here (the CLI's progress and results). */
export type { TransferEvent, UploadResult } from "./transfer-types.js";

/**
 * One uploader per file: a single PUT below the threshold, else multipart. A
 * batch passes the request limit its files share, and the buffers they reuse.
 */
export async function uploadFile(
  deps: TransferDeps,
  options: UploadOptions & { path: string; key: string },
  requests: Limiter = createLimiter(options.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY),
  bodies?: BodyPool,
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
  const createOnly = options.createOnly === true;

  const store = deps.stateStore;
  // A file below the multipart threshold never had a resume record (the CLI
  // offers no other threshold): one PUT, without the record's lock and lookup
  // (7 file operations per file, most of a small file's cost in a folder).
  const fresh = planParts(info.size, {
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
  });
  if (fresh.kind === "single" && !options.resume && options.threshold === undefined) {
    const single = await requests.run(() => putSingle(ctx, identity, onBytes, createOnly, bodies));
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
    if (plan.kind === "single") {
      result = await requests.run(() => putSingle(ctx, identity, onBytes, createOnly, bodies));
    } else {
      result = await uploadMultipart(ctx, deps, identity, plan.parts, plan.partSize, {
        createOnly,
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

/** Files up to this size are read into memory once instead of twice from disk (files in flight × this). */
export const READ_ONCE_MAX_BYTES = 1024 * 1024;

async function putSingle(
  ctx: CallContext,
  identity: ResumeIdentity,
  onBytes: (delta: number) => void,
  createOnly: boolean,
  bodies: BodyPool | undefined,
): Promise<Omit<UploadResult, "seconds">> {
  const { size } = identity;
  // A small file is read once (hashed and sent from memory); a larger one is
  // hashed in a first pass and streamed in a second, so memory stays bounded.
  if (size > READ_ONCE_MAX_BYTES) return putOnce(ctx, identity, onBytes, createOnly, undefined);
  const buffer = bodies?.take(size) ?? Buffer.allocUnsafe(size);
  try {
    const data = await guardFile(identity.path, () => readRange(identity.path, 0, size, buffer));
    return await putOnce(ctx, identity, onBytes, createOnly, data);
  } finally {
    // The PUT has ended: S3 answers only once it has the whole body, and a
    // request that failed sends nothing more that S3 could store.
    bodies?.give(buffer);
  }
}

/** One PUT of the file: from `data` when it was read whole, else streamed from the file. */
async function putOnce(
  ctx: CallContext,
  identity: ResumeIdentity,
  onBytes: (delta: number) => void,
  createOnly: boolean,
  data: Buffer | undefined,
): Promise<Omit<UploadResult, "seconds">> {
  const { path, key, size } = identity;
  const checksum = toBase64(
    data
      ? createHash("sha256").update(data).digest()
      : await guardFile(path, () => sha256OfRange(path, 0, size, ctx.signal)),
  );
  const headers = await guardFile(path, () =>
    putObject(ctx, key, {
      size,
      checksum,
      createOnly,
      body: data ? bufferBody(data, onBytes) : fileBodyFactory(path, 0, size, onBytes),
    }),
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
