import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import { quoteKey } from "../text/printable.js";
import { hasDotSegments } from "./keys.js";
import { createLimiter, runAll } from "./limiter.js";
import {
  DEFAULT_DOWNLOAD_CONCURRENCY,
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
} from "./part-plan.js";
import { createFilePartialStore } from "./partial-file.js";
import type { PartialDownload, PartialStore } from "./partial-store.js";
import type { CallContext } from "./s3-call.js";
import { getObjectRange, getWholeObject, headObject } from "./s3-transfer.js";
import { resolveTarget } from "./safe-path.js";
import { transferContext } from "./transfer-context.js";
import type {
  DownloadDeps,
  DownloadOptions,
  DownloadResult,
  ObjectHead,
  Verification,
} from "./transfer-types.js";
import {
  alignedPartSize,
  requireChecksumError,
  VerificationError,
  verifyBytes,
  verifyStreamed,
} from "./verify.js";

/** For the callers that import them from here (the CLI). */
export type { DownloadDeps, DownloadResult } from "./transfer-types.js";

/**
 * One object to one file: HEAD, ranged GETs in parallel into a partial file
 * (resumed when an earlier run left one), verified against S3's checksum, then
 * renamed onto the target. Bad bytes never reach the target's name.
 */
export async function downloadObject(
  deps: DownloadDeps,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const clock = deps.clock ?? systemClock;
  const started = clock.now();
  const ctx = transferContext(deps, options.bucket, clock);
  const { key } = options;
  // A hostile key is refused before any request is made.
  const target = await resolveTarget(
    options.out,
    options.name ?? key,
    options.cwd ?? process.cwd(),
    options.checkedFolders,
  );
  if (hasDotSegments(key)) {
    throw new StrongboxError(
      "failed",
      `The key ${quoteKey(key)} has "." or ".." segments, which no URL can carry intact.`,
    );
  }
  const threshold = options.threshold ?? DEFAULT_MULTIPART_THRESHOLD;
  const partials = deps.partials ?? createFilePartialStore();
  if (options.size !== undefined && options.size < threshold) {
    return downloadWhole(ctx, deps, options, target, partials, started);
  }
  const head = await headObject(ctx, key, options.versionId);
  const partSize = partSizeOf(ctx, key, head);

  // When the ranges are the object's parts, each range's SHA-256 is computed as
  // it streams in, and the composite check needs no second read of the file.
  const aligned = await alignedPartSize(head, partSize);
  const chunkSize =
    aligned ??
    (head.size >= threshold ? (options.chunkSize ?? DEFAULT_PART_SIZE) : Math.max(1, head.size));
  const chunkCount = head.size === 0 ? 0 : Math.ceil(head.size / chunkSize);
  const ranged = chunkCount > 1 || head.size >= threshold;

  const partial = await partials.open(target, identityOf(options, head, chunkSize));
  const { done, digests } = partial;
  const emit = deps.onEvent ?? (() => {});
  emit({ type: "file-start", path: target, key, size: head.size });
  const onBytes = (delta: number) => emit({ type: "bytes", key, delta });
  try {
    if (partial.discarded > 0) {
      emit({
        type: "note",
        message: `${partial.discarded} range(s) of ${quoteKey(key)} on disk no longer match what was downloaded: fetching them again.`,
      });
    }
    const resumedBytes = [...done].reduce(
      (sum, i) => sum + Math.min(chunkSize, head.size - i * chunkSize),
      0,
    );
    if (resumedBytes > 0) {
      emit({
        type: "note",
        message: `Resuming ${quoteKey(key)}: ${done.size} of ${chunkCount} ranges already on disk (checked).`,
      });
      onBytes(resumedBytes);
    }

    const limiter = createLimiter(options.concurrency ?? DEFAULT_DOWNLOAD_CONCURRENCY);
    const local = new AbortController();
    const onUserAbort = () => local.abort(deps.signal?.reason);
    deps.signal?.addEventListener("abort", onUserAbort, { once: true });
    const chunkCtx: CallContext = { ...ctx, signal: local.signal };
    try {
      const todo: number[] = [];
      for (let i = 0; i < chunkCount; i++) if (!done.has(i)) todo.push(i);
      await runAll(
        todo.map((index) => async () => {
          const start = index * chunkSize;
          const length = Math.min(chunkSize, head.size - start);
          // The request slot is free again once the bytes are written: the
          // next range starts while this one's record is saved.
          const digest = await limiter.run(() =>
            inShare(options, () =>
              getObjectRange(
                chunkCtx,
                key,
                head,
                ranged ? { start, length } : undefined,
                partial.write,
                onBytes,
              ),
            ),
          );
          digests.set(index, digest);
          done.add(index);
          if (ranged) await partial.save();
        }),
        () => local.abort(),
      );
      await partial.settled();
    } catch (error) {
      await partial.settled().catch(() => {});
      if (deps.signal?.aborted) {
        throw new StrongboxError("interrupted", "The download was interrupted.", {
          hint: ranged ? "Run the same command again to continue where it stopped." : undefined,
        });
      }
      throw error;
    } finally {
      deps.signal?.removeEventListener("abort", onUserAbort);
    }

    const verified = await verifyAndCommit(partial, target, options, {
      head,
      aligned,
      chunkCount,
      partSize,
    });
    emit({ type: "file-done", path: target, key });
    return resultOf(options, target, head, verified, partial.kept > 0, clock.now() - started);
  } catch (error) {
    await partial.abandon(error instanceof VerificationError);
    throw error;
  }
}

/**
 * An object known to be small (its size came with the listing): one GET, no
 * HEAD first. The GET's headers carry what HEAD would (checksums included), so
 * verification is the same, and fails closed the same way.
 */
async function downloadWhole(
  ctx: CallContext,
  deps: DownloadDeps,
  options: DownloadOptions,
  target: string,
  partials: PartialStore,
  started: number,
): Promise<DownloadResult> {
  const { key } = options;
  const emit = deps.onEvent ?? (() => {});
  let partial: PartialDownload | undefined;
  let first: ObjectHead | undefined;
  try {
    const got = await inShare(options, () =>
      getWholeObject(
        ctx,
        key,
        options.versionId,
        async (head) => {
          if (first === undefined || partial === undefined) {
            first = head;
            partial = await partials.open(
              target,
              identityOf(options, head, Math.max(1, head.size)),
            );
            emit({ type: "file-start", path: target, key, size: head.size });
          } else if (head.etag !== first.etag || head.size !== first.size) {
            // A retry met another object under the key: the bytes so far are not its.
            throw new StrongboxError(
              "failed",
              `${quoteKey(key)} changed while it was being downloaded.`,
              { hint: "Run the command again." },
            );
          }
          return partial.write;
        },
        (delta) => emit({ type: "bytes", key, delta }),
      ),
    );
    const opened = partial as PartialDownload;
    const { head } = got;
    const chunkCount = head.size === 0 ? 0 : 1;
    if (chunkCount === 1) opened.digests.set(0, got.digest);
    const partSize = partSizeOf(ctx, key, head);
    const verified = await verifyAndCommit(opened, target, options, {
      head,
      aligned: undefined,
      chunkCount,
      partSize,
    });
    emit({ type: "file-done", path: target, key });
    return resultOf(options, target, head, verified, false, ctx.clock.now() - started);
  } catch (error) {
    await partial?.abandon(error instanceof VerificationError);
    if (deps.signal?.aborted) {
      throw new StrongboxError("interrupted", "The download was interrupted.");
    }
    throw error;
  }
}

/** A request of a batch's file waits for its share of the batch's requests in flight. */
const inShare = <T>(options: DownloadOptions, request: () => Promise<T>): Promise<T> =>
  options.requests ? options.requests.run(request) : request();

/** The sizes of the object's parts, as S3 reports them (undefined when it can't tell). */
const partSizeOf = (ctx: CallContext, key: string, head: ObjectHead) => (n: number) =>
  headObject(ctx, key, head.versionId ?? undefined, n).then(
    (part) => part.size,
    () => undefined,
  );

const identityOf = (options: DownloadOptions, head: ObjectHead, chunkSize: number) => ({
  bucket: options.bucket,
  key: options.key,
  versionId: head.versionId,
  etag: head.etag,
  size: head.size,
  chunkSize,
});

/** Verified (from the digests taken in flight, else by reading the bytes again), then renamed onto `target`. */
async function verifyAndCommit(
  partial: PartialDownload,
  target: string,
  options: DownloadOptions,
  got: {
    head: ObjectHead;
    aligned: number | undefined;
    chunkCount: number;
    partSize: (n: number) => Promise<number | undefined>;
  },
): Promise<Verification> {
  const { head, partSize } = got;
  const { key } = options;
  const verified =
    verifyStreamed(head, got.aligned, got.chunkCount, partial.digests, key) ??
    (await verifyBytes({ key, head, partSize, digest: partial.digest }));
  if (verified === "none" && options.requireChecksum) throw requireChecksumError(key);
  await partial.commit(target);
  return verified;
}

function resultOf(
  options: DownloadOptions,
  target: string,
  head: ObjectHead,
  verified: Verification,
  resumed: boolean,
  ms: number,
): DownloadResult {
  return {
    key: options.key,
    versionId: head.versionId,
    path: target,
    size: head.size,
    etag: head.etag,
    checksum: head.checksumSha256,
    verified,
    resumed,
    seconds: ms / 1000,
  };
}
