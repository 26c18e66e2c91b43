import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { type CrcAlgorithm, createCrc } from "./crc.js";
import { fileReader } from "./file-reader.js";

/** Bytes read per call when hashing: one buffer, reused, so hashing makes no garbage. */
const HASH_READ_BYTES = 256 * 1024;

/** SHA-256 (raw bytes) of `size` bytes of a file from `start`. */
export function sha256OfRange(
  path: string,
  start: number,
  size: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  return digestOfRange("sha256", path, start, size, signal);
}

/** Every checksum S3 may hold for an object (and MD5, which its plain ETags are). */
export type ChecksumAlgorithm = "sha256" | "md5" | CrcAlgorithm;

function hasher(algorithm: ChecksumAlgorithm): {
  update(data: Uint8Array): void;
  digest(): Buffer;
} {
  return algorithm === "sha256" || algorithm === "md5"
    ? createHash(algorithm)
    : createCrc(algorithm);
}

/** Digest of bytes in memory. */
export const digestOf = (algorithm: ChecksumAlgorithm, data: Uint8Array): Buffer => {
  const hash = hasher(algorithm);
  hash.update(data);
  return hash.digest();
};

/**
 * Digest of `size` bytes of a file from `start`, read into one reused buffer
 * (no allocation per chunk, no listener on `signal`: it is checked between reads).
 * Fewer bytes than `size` means the file changed.
 */
export async function digestOfRange(
  algorithm: ChecksumAlgorithm,
  path: string,
  start: number,
  size: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const hash = hasher(algorithm);
  if (size === 0) return hash.digest();
  const file = await open(path, "r");
  const read = fileReader(file);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(HASH_READ_BYTES, size));
    for (let done = 0; done < size; ) {
      if (signal?.aborted) throw abortError(signal);
      const want = Math.min(buffer.length, size - done);
      const bytesRead = await read(buffer, 0, want, start + done);
      if (bytesRead === 0) throw new FileChangedError(path);
      hash.update(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      done += bytesRead;
    }
  } finally {
    await file.close();
  }
  return hash.digest();
}

/**
 * `size` bytes of a small file from `start`, in one buffer (a file sent from
 * memory): `buffer` when given (`size` bytes long), else a new one.
 * Synchronous (bench/README.md, "Thread-pool hand-offs").
 */
export async function readRange(
  path: string,
  start: number,
  size: number,
  buffer: Buffer = Buffer.allocUnsafe(size),
): Promise<Buffer> {
  if (size === 0) return buffer;
  const fd = openSync(path, "r");
  try {
    for (let done = 0; done < size; ) {
      const bytesRead = readSync(fd, buffer, done, size - done, start + done);
      if (bytesRead === 0) throw new FileChangedError(path);
      done += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
  return buffer;
}

const abortError = (signal: AbortSignal) =>
  Object.assign(new Error("The operation was aborted.", { cause: signal.reason }), {
    name: "AbortError",
    code: "ABORT_ERR",
  });

/**
 * S3's checksum of a multipart object: the hash of the concatenated part
 * hashes, base64, then "-N" (the part count).
 */
export function compositeChecksum(algorithm: ChecksumAlgorithm, partDigests: Buffer[]): Buffer {
  const hash = hasher(algorithm);
  for (const digest of partDigests) hash.update(digest);
  return hash.digest();
}

export const toBase64 = (digest: Buffer) => digest.toString("base64");

/** The file is not what it was when the transfer began. */
export class FileChangedError extends Error {
  constructor(path: string) {
    super(`The file ${path} changed while it was being read.`);
    this.name = "FileChangedError";
  }
}
