import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import { quoteKey } from "../text/printable.js";
import { hasDotSegments } from "./keys.js";
import { createLimiter, runAll } from "./limiter.js";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
} from "./part-plan.js";
import { createFilePartialStore } from "./partial-file.js";
import type { CallContext } from "./s3-call.js";
import { getObjectRange, headObject } from "./s3-transfer.js";
import { resolveTarget } from "./safe-path.js";
import { transferContext } from "./transfer-context.js";
import type { DownloadDeps, DownloadOptions, DownloadResult } from "./transfer-types.js";
import {
  alignedPartSize,
  requireChecksumError,
  VerificationError,
  verifyBytes,
  verifyStreamed,
} from "./verify.js";

export type {
  DownloadDeps,
  DownloadOptions,
  DownloadResult,
  ObjectHead,
  Verification,
} from "./transfer-types.js";

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
  );
  if (hasDotSegments(key)) {
    throw new StrongboxError(
      "failed",
      `The key ${quoteKey(key)} has "." or ".." segments, which no URL can carry intact.`,
    );
  }
  const head = await headObject(ctx, key, options.versionId);
  const version = head.versionId ?? undefined;
  const partSize = (n: number) =>
    headObject(ctx, key, version, n).then(
      (part) => part.size,
      () => undefined,
    );

  const threshold = options.threshold ?? DEFAULT_MULTIPART_THRESHOLD;
  // When the ranges are the object's parts, each range's SHA-256 is computed as
  // it streams in, and the composite check needs no second read of the file.
  const aligned = await alignedPartSize(head, partSize);
  const chunkSize =
    aligned ??
    (head.size >= threshold ? (options.chunkSize ?? DEFAULT_PART_SIZE) : Math.max(1, head.size));
  const chunkCount = head.size === 0 ? 0 : Math.ceil(head.size / chunkSize);
  const ranged = chunkCount > 1 || head.size >= threshold;

  const partials = deps.partials ?? createFilePartialStore();
  const partial = await partials.open(target, {
    bucket: options.bucket,
    key,
    versionId: head.versionId,
    etag: head.etag,
    size: head.size,
    chunkSize,
  });
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
    if (partial.kept === 0 && ranged) await partial.save();

    const limiter = createLimiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    const local = new AbortController();
    const onUserAbort = () => local.abort(deps.signal?.reason);
    deps.signal?.addEventListener("abort", onUserAbort, { once: true });
    const chunkCtx: CallContext = { ...ctx, signal: local.signal };
    try {
      const todo: number[] = [];
      for (let i = 0; i < chunkCount; i++) if (!done.has(i)) todo.push(i);
      await runAll(
        todo.map(
          (index) => () =>
            limiter.run(async () => {
              const start = index * chunkSize;
              const length = Math.min(chunkSize, head.size - start);
              const digest = await getObjectRange(
                chunkCtx,
                key,
                head,
                ranged ? { start, length } : undefined,
                partial.write,
                onBytes,
              );
              digests.set(index, digest);
              done.add(index);
              if (ranged) await partial.save();
            }),
        ),
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

    const verified =
      verifyStreamed(head, aligned, chunkCount, digests, key) ??
      (await verifyBytes({ key, head, partSize, digest: partial.digest }));
    if (verified === "none" && options.requireChecksum) throw requireChecksumError(key);
    await partial.commit(target);
    emit({ type: "file-done", path: target, key });
    return {
      key,
      versionId: head.versionId,
      path: target,
      size: head.size,
      etag: head.etag,
      checksum: head.checksumSha256,
      verified,
      resumed: partial.kept > 0,
      seconds: (clock.now() - started) / 1000,
    };
  } catch (error) {
    await partial.abandon(error instanceof VerificationError);
    throw error;
  }
}
