import { createHash } from "node:crypto";
import { type FileHandle, mkdir, realpath, stat } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import { quoteKey } from "../text/printable.js";
import { type ChecksumAlgorithm, compositeChecksum, digestOfRange, toBase64 } from "./checksum.js";
import { hasDotSegments } from "./keys.js";
import { createLimiter } from "./limiter.js";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
} from "./part-plan.js";
import { openPartial } from "./partial-file.js";
import { type CallContext, type Operation, RetryableError, s3Call } from "./s3-call.js";
import { safeKeyPath } from "./safe-path.js";
import { transferContext } from "./transfer-context.js";
import { classify, TransportError } from "./transport.js";
import type { TransferDeps } from "./upload.js";
import { runAll } from "./upload.js";

/** A download resumes from its sidecar record, so it needs no upload state store. */
export type DownloadDeps = Omit<TransferDeps, "stateStore">;

export interface DownloadOptions {
  bucket: string;
  key: string;
  versionId?: string;
  /** A file, or a folder when it ends with "/" or is an existing directory. Default: the current folder. */
  out?: string;
  /** The file's path inside an `out` folder (default: the key); a prefix download passes the key below the prefix. */
  name?: string;
  cwd?: string;
  concurrency?: number;
  /** Size of each ranged GET. */
  chunkSize?: number;
  /** Objects at least this large are fetched as parallel ranges. */
  threshold?: number;
  /** Fail (and keep no file) when S3 holds no checksum the bytes can be compared with. */
  requireChecksum?: boolean;
}

export type Verification =
  | "sha256"
  | "composite-sha256"
  | "crc64nvme"
  | "crc32c"
  | "composite-crc32c"
  | "crc32"
  | "composite-crc32"
  | "md5"
  | "composite-md5"
  | "none";

/** The CRCs S3 may hold besides SHA-256, strongest first. */
const CRCS = ["crc64nvme", "crc32c", "crc32"] as const;

export interface DownloadResult {
  key: string;
  versionId: string | null;
  path: string;
  size: number;
  etag: string;
  /** S3's stored checksum when it has one. */
  checksum: string | null;
  verified: Verification;
  resumed: boolean;
  seconds: number;
}

/** What HEAD tells us about the object. */
export interface ObjectHead {
  size: number;
  etag: string;
  versionId: string | null;
  checksumSha256: string | null;
  checksumType: string | null;
  /** x-amz-checksum-crc64nvme / -crc32c / -crc32, when S3 holds one. */
  crcs: Partial<Record<(typeof CRCS)[number], string>>;
  sse: string | null;
}

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

  const threshold = options.threshold ?? DEFAULT_MULTIPART_THRESHOLD;
  // When the ranges are the object's parts, each range's SHA-256 is computed as
  // it streams in, and the composite check needs no second read of the file.
  const aligned = await alignedPartSize(ctx, key, head);
  const chunkSize =
    aligned ??
    (head.size >= threshold ? (options.chunkSize ?? DEFAULT_PART_SIZE) : Math.max(1, head.size));
  const chunkCount = head.size === 0 ? 0 : Math.ceil(head.size / chunkSize);
  const ranged = chunkCount > 1 || head.size >= threshold;

  const partial = await openPartial(target, {
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
              const digest = await getRange(
                chunkCtx,
                partial.fh,
                key,
                head,
                ranged ? { start, length } : undefined,
                length,
                onBytes,
              );
              digests.set(index, digest);
              done.add(index);
              if (ranged) await partial.save();
            }),
        ),
        local.signal,
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
      (await verifyStreamed(head, aligned, chunkCount, digests, key)) ??
      (await verify(ctx, partial.path, key, head));
    if (verified === "none" && options.requireChecksum) {
      throw new VerificationError(
        "failed",
        `S3 holds no checksum of ${quoteKey(key)} that its bytes can be compared with (--require-checksum); the partial file was removed.`,
        { hint: "Download it without --require-checksum to accept a size check only." },
      );
    }
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

class VerificationError extends StrongboxError {}

/** --out FILE, --out FOLDER/ (or an existing folder), or the current folder: a key never escapes a folder. */
export async function resolveTarget(
  out: string | undefined,
  key: string,
  cwd: string,
): Promise<string> {
  let root: string;
  if (out === undefined) root = cwd;
  else if (out.endsWith("/") || out.endsWith(sep) || (await isDirectory(resolve(cwd, out))))
    root = resolve(cwd, out);
  else {
    const file = resolve(cwd, out);
    await mkdir(dirname(file), { recursive: true });
    return file;
  }
  const target = safeKeyPath(root, key);
  await mkdir(dirname(target), { recursive: true });
  // A symlinked folder inside the root must not lead the file outside it.
  const realRoot = await realpath(root);
  const realParent = await realpath(dirname(target));
  const rel = relative(realRoot, realParent);
  if (rel.startsWith("..") || resolve(realRoot, rel) !== realParent) {
    throw new StrongboxError(
      "failed",
      `Refusing to write "${key}": its folder leads outside ${root} (symlink).`,
    );
  }
  return target;
}

const isDirectory = (path: string) =>
  stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );

export async function headObject(
  ctx: CallContext,
  key: string,
  versionId?: string,
  partNumber?: number,
) {
  const op: Operation = {
    action: "HeadObject",
    key,
    ...(versionId ? { versionId } : {}),
    doing: "read",
  };
  const query: Record<string, string> = {
    ...(versionId ? { versionId } : {}),
    ...(partNumber ? { partNumber: String(partNumber) } : {}),
  };
  const headers = await s3Call(
    ctx,
    { op, method: "HEAD", key, query, headers: { "x-amz-checksum-mode": "ENABLED" } },
    async (res) => {
      await res.discard();
      return res.headers;
    },
  );
  const head: ObjectHead & { partsCount: number | null } = {
    size: Number(headers["content-length"] ?? 0),
    etag: headers.etag ?? "",
    versionId: headers["x-amz-version-id"] ?? null,
    checksumSha256: headers["x-amz-checksum-sha256"] ?? null,
    checksumType: headers["x-amz-checksum-type"] ?? null,
    crcs: Object.fromEntries(
      CRCS.flatMap((crc) => {
        const value = headers[`x-amz-checksum-${crc}`];
        return value ? [[crc, value]] : [];
      }),
    ),
    sse: headers["x-amz-server-side-encryption"] ?? null,
    partsCount: headers["x-amz-mp-parts-count"] ? Number(headers["x-amz-mp-parts-count"]) : null,
  };
  return head;
}

async function getRange(
  ctx: CallContext,
  fh: FileHandle,
  key: string,
  head: ObjectHead,
  range: { start: number; length: number } | undefined,
  length: number,
  onBytes: (delta: number) => void,
): Promise<string> {
  const start = range?.start ?? 0;
  const op: Operation = {
    action: "GetObject",
    key,
    ...(head.versionId ? { versionId: head.versionId } : {}),
    doing: "download",
  };
  let reported = 0;
  // Pinned to what HEAD saw: the version when there is one, else the ETag.
  const query: Record<string, string> = head.versionId ? { versionId: head.versionId } : {};
  const headers: Record<string, string> = {
    ...(range ? { range: `bytes=${range.start}-${range.start + range.length - 1}` } : {}),
    ...(head.versionId ? {} : head.etag ? { "if-match": head.etag } : {}),
  };
  const spec = { op, method: "GET" as const, key, query, headers };
  return s3Call(ctx, spec, async (res) => {
    if (reported > 0) onBytes(-reported);
    reported = 0;
    if (
      range &&
      res.status !== 206 &&
      !(res.status === 200 && range.start === 0 && range.length === head.size)
    ) {
      await res.discard();
      throw new StrongboxError("failed", `S3 ignored the byte range asked for "${key}".`);
    }
    const hash = createHash("sha256");
    let offset = start;
    // Writes are batched (≈1 MiB per call) so the disk keeps up with the socket.
    let batch: Buffer[] = [];
    let batched = 0;
    const flush = async () => {
      if (batched === 0) return;
      await fh.writev(batch, offset - batched);
      batch = [];
      batched = 0;
    };
    try {
      for await (const chunk of res.body) {
        const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (offset + bytes.length > start + length) {
          throw new RetryableError("the server sent too many bytes");
        }
        hash.update(bytes);
        batch.push(bytes);
        batched += bytes.length;
        offset += bytes.length;
        reported += bytes.length;
        onBytes(bytes.length);
        if (batched >= 1024 * 1024) await flush();
      }
      await flush();
    } catch (error) {
      if (error instanceof RetryableError || error instanceof StrongboxError) throw error;
      const classified = classify(error, ctx.signal);
      if (classified instanceof TransportError) {
        if (classified.kind === "aborted") throw classified;
        throw new RetryableError(classified.message, { kind: classified.kind });
      }
      throw error;
    }
    if (offset !== start + length) throw new RetryableError("the download was cut short");
    return hash.digest("base64");
  });
}

/** The part size, when S3's checksum is composite and the parts are equal (the usual case), else undefined. */
async function alignedPartSize(
  ctx: CallContext,
  key: string,
  head: ObjectHead,
): Promise<number | undefined> {
  const count = compositeParts(head);
  if (count === undefined || count < 2) return undefined;
  const first = await headObject(ctx, key, head.versionId ?? undefined, 1).catch(() => undefined);
  if (!first || first.size <= 0 || first.size > MAX_ALIGNED_PART) return undefined;
  return Math.ceil(head.size / first.size) === count ? first.size : undefined;
}

/** Ranges bigger than this are not worth aligning (each is buffered up to its size). */
const MAX_ALIGNED_PART = 64 * 1024 * 1024;

/** Parts behind a composite checksum ("…-N", or a multipart ETag when the server omits the -N). */
export function compositeParts(head: ObjectHead): number | undefined {
  const stored = head.checksumSha256;
  if (!stored) return undefined;
  const fromChecksum = /-(\d+)$/.exec(stored)?.[1];
  const fromEtag = /-(\d+)"?$/.exec(head.etag)?.[1];
  const count = Number(
    fromChecksum ?? (head.checksumType === "FULL_OBJECT" ? undefined : fromEtag),
  );
  return Number.isInteger(count) && count > 0 ? count : undefined;
}

/**
 * Verification from the digests taken while the bytes streamed in. Returns
 * undefined when they can't decide (then the file is read again): a resumed
 * range without a digest, or parts that were not equal after all.
 */
async function verifyStreamed(
  head: ObjectHead,
  aligned: number | undefined,
  chunkCount: number,
  digests: Map<number, string>,
  key: string,
): Promise<Verification | undefined> {
  const stored = head.checksumSha256;
  if (!stored) return undefined;
  const all: Buffer[] = [];
  for (let i = 0; i < chunkCount; i++) {
    const digest = digests.get(i);
    if (digest === undefined) return undefined;
    all.push(Buffer.from(digest, "base64"));
  }
  if (aligned !== undefined) {
    const expected = stored.split("-")[0];
    return toBase64(compositeChecksum("sha256", all)) === expected ? "composite-sha256" : undefined;
  }
  if (chunkCount === 1 && compositeParts(head) === undefined) {
    if (all[0]?.toString("base64") !== stored) {
      throw new VerificationError(
        "failed",
        `The downloaded bytes of "${key}" do not match S3's SHA-256; the partial file was removed.`,
        { hint: "Run the command again." },
      );
    }
    return "sha256";
  }
  return undefined;
}

/** Compare the bytes on disk with what S3 knows about the object. */
async function verify(
  ctx: CallContext,
  path: string,
  key: string,
  head: ObjectHead,
): Promise<Verification> {
  const mismatch = (what: string) =>
    new VerificationError(
      "failed",
      `The downloaded bytes of "${key}" do not match S3's ${what}; the partial file was removed.`,
      { hint: "Run the command again." },
    );
  const stored = head.checksumSha256;
  // A multipart object (ETag "…-N") carries a composite checksum; some servers
  // (moto) omit the "-N" and the type, so the ETag decides.
  const etagParts = /-(\d+)"?$/.exec(head.etag)?.[1];
  const composite =
    stored !== null &&
    (stored.includes("-") || head.checksumType === "COMPOSITE" || etagParts !== undefined);
  if (stored && !composite) {
    if (toBase64(await digestOfRange("sha256", path, 0, head.size)) !== stored)
      throw mismatch("SHA-256");
    return "sha256";
  }
  if (stored && composite) {
    const [digest, count] = stored.split("-");
    const parts = Number(count ?? etagParts);
    const result = await checkComposite(ctx, path, key, head, "sha256", digest ?? "", parts);
    if (result === false) throw mismatch("composite SHA-256");
    if (result === true) return "composite-sha256";
  }
  for (const crc of CRCS) {
    const value = head.crcs[crc];
    if (value === undefined) continue;
    const [digest, count] = value.split("-");
    const composite =
      count !== undefined || (head.checksumType === "COMPOSITE" && etagParts !== undefined);
    if (!composite) {
      if (toBase64(await digestOfRange(crc, path, 0, head.size)) !== digest)
        throw mismatch(crc.toUpperCase());
      return crc;
    }
    if (crc === "crc64nvme") continue; // S3 keeps CRC64NVME as a full-object checksum only
    const parts = Number(count ?? etagParts);
    const result = await checkComposite(ctx, path, key, head, crc, digest ?? "", parts);
    if (result === false) throw mismatch(`composite ${crc.toUpperCase()}`);
    if (result === true) return `composite-${crc}`;
  }
  // With SSE-KMS the ETag is not an MD5 of the data: nothing to compare.
  if (head.sse === "aws:kms" || head.sse === "aws:kms:dsse") return "none";
  const etag = head.etag.replace(/"/g, "");
  if (/^[0-9a-f]{32}$/.test(etag)) {
    if ((await digestOfRange("md5", path, 0, head.size)).toString("hex") !== etag)
      throw mismatch("ETag (MD5)");
    return "md5";
  }
  const multipart = /^([0-9a-f]{32})-(\d+)$/.exec(etag);
  if (multipart) {
    const hex = Buffer.from(multipart[1] ?? "", "hex").toString("base64");
    const result = await checkComposite(ctx, path, key, head, "md5", hex, Number(multipart[2]));
    if (result === false) throw mismatch("ETag (MD5 of parts)");
    if (result === true) return "composite-md5";
  }
  return "none";
}

/**
 * A multipart checksum needs the part boundaries. Most uploaders use equal
 * parts, so part 1's size usually tells them all; only when that guess fails
 * are the parts' sizes asked one by one (so a wrong guess never condemns good bytes).
 * Returns true (match), false (mismatch) or undefined (cannot tell).
 */
async function checkComposite(
  ctx: CallContext,
  path: string,
  key: string,
  head: ObjectHead,
  algorithm: ChecksumAlgorithm,
  expected: string,
  count: number,
): Promise<boolean | undefined> {
  if (!Number.isInteger(count) || count < 1 || count > 10_000) return undefined;
  const version = head.versionId ?? undefined;
  const first = await headObject(ctx, key, version, 1).catch(() => undefined);
  if (!first || first.size <= 0) return undefined;
  const guess = Array.from({ length: count }, (_, i) =>
    Math.min(first.size, head.size - i * first.size),
  );
  if (guess.every((s) => s > 0) && guess.reduce((a, b) => a + b, 0) === head.size) {
    if ((await compositeOf(algorithm, path, guess)) === expected) return true;
  }
  const sizes = [first.size];
  for (let n = 2; n <= count; n++) {
    const part = await headObject(ctx, key, version, n).catch(() => undefined);
    if (!part) return undefined;
    sizes.push(part.size);
  }
  if (sizes.reduce((a, b) => a + b, 0) !== head.size) return undefined;
  return (await compositeOf(algorithm, path, sizes)) === expected;
}

async function compositeOf(
  algorithm: ChecksumAlgorithm,
  path: string,
  sizes: number[],
): Promise<string> {
  const digests: Buffer[] = [];
  let start = 0;
  for (const size of sizes) {
    digests.push(await digestOfRange(algorithm, path, start, size));
    start += size;
  }
  return toBase64(compositeChecksum(algorithm, digests));
}
