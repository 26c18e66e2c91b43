import { closeSync, constants, fsync, open, renameSync, rmSync, writevSync } from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { NOFOLLOW, newFileMode } from "../fs/private.js";
import { digestOf } from "./checksum.js";
import type { PartialDownload } from "./partial-store.js";

/**
 * Objects up to this size are downloaded into memory, not into a partial file
 * on disk: one request, nothing to resume, and a folder of small files skips
 * per file the partial's lock, its owner-only mode and its later chmod (bench/README.md).
 */
export const IN_MEMORY_BYTES = 1024 * 1024;

/** `buffers` less their first `n` bytes. */
export function withoutFirst(buffers: Buffer[], n: number): Buffer[] {
  let skip = n;
  let i = 0;
  while (i < buffers.length && skip >= (buffers[i] as Buffer).length)
    skip -= (buffers[i++] as Buffer).length;
  const rest = buffers.slice(i);
  if (skip > 0 && rest.length > 0) rest[0] = (rest[0] as Buffer).subarray(skip);
  return rest;
}

/** Names the temporary files of this process apart (with its pid). */
let sequence = 0;

const openFile = promisify(open);
const syncFile = promisify(fsync);

/**
 * A single-request download held in memory until verified, then written to a
 * new file of its own next to the target (O_EXCL, named for this process,
 * made durable) and renamed onto it. Unverified bytes never reach the disk;
 * two processes writing one target each rename a whole, verified file.
 */
export function memoryPartial(
  temporaryName: string,
  /** Makes the target's new name durable (the file store's folder sync). */
  syncFolder: (dir: string) => Promise<void>,
): PartialDownload {
  const buffers: Buffer[] = [];
  const bytes = () => (buffers.length === 1 ? (buffers[0] as Buffer) : Buffer.concat(buffers));
  return {
    done: new Set(),
    digests: new Map(),
    kept: 0,
    discarded: 0,
    async write(received) {
      buffers.push(...received);
    },
    digest: async (algorithm, start, length) =>
      digestOf(algorithm, bytes().subarray(start, start + length)),
    save: async () => {},
    settled: async () => {},
    async commit(target) {
      const path = `${temporaryName}.${process.pid}.${++sequence}`;
      const fd = await openFile(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW,
        newFileMode(),
      );
      try {
        try {
          // Synchronous (bench/README.md, "Thread-pool hand-offs"): at most 1 MiB into the
          // page cache, the received chunks as they are (joined, they were a copy per file).
          for (let pending = buffers, written = 0; pending.length > 0; ) {
            const n = writevSync(fd, pending, written);
            written += n;
            pending = withoutFirst(pending, n);
          }
          await syncFile(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(path, target);
      } catch (error) {
        rmSync(path, { force: true });
        throw error;
      }
      await syncFolder(dirname(target));
    },
    async abandon() {
      buffers.length = 0;
    },
  };
}
