import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type CrcAlgorithm, createCrc } from "./crc.js";

/** SHA-256 (raw bytes) of `size` bytes of a file from `start`, read as a stream. */
export async function sha256OfRange(
  path: string,
  start: number,
  size: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  const hash = createHash("sha256");
  if (size === 0) return hash.digest();
  const stream = createReadStream(path, {
    start,
    end: start + size - 1,
    highWaterMark: 1024 * 1024,
    ...(signal ? { signal } : {}),
  });
  let seen = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    seen += chunk.length;
  }
  if (seen !== size) throw new FileChangedError(path);
  return hash.digest();
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

export async function digestOfRange(
  algorithm: ChecksumAlgorithm,
  path: string,
  start: number,
  size: number,
): Promise<Buffer> {
  if (algorithm === "sha256") return sha256OfRange(path, start, size);
  const hash = hasher(algorithm);
  if (size > 0) {
    for await (const chunk of createReadStream(path, {
      start,
      end: start + size - 1,
      highWaterMark: 1024 * 1024,
    }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
    }
  }
  return hash.digest();
}

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
