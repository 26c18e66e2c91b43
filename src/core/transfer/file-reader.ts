import { readSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { performance } from "node:perf_hooks";

/**
 * Two reads in a row that took longer than this were not served from the page
 * cache or a fast disk (a cold disk, a network file system): the handle's later
 * reads go through libuv's thread pool, so a slow file holds up the other
 * transfers sharing the event loop for two reads at most. One slow read alone
 * is the scheduler's doing: with MinIO on the other core, ~100 of a 2 GiB
 * upload's 16,384 page-cache reads took over 2 ms, 8–11 over 5 ms, none two in
 * a row.
 */
const SLOW_READ_MS = 5;
const SLOW_READS_IN_A_ROW = 2;

/** Reads `length` bytes at `position` into `buffer` from `offset`; resolves to the bytes read. */
export type ReadAt = (
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
) => Promise<number>;

/**
 * Reads of one open file: synchronous while they are quick, then through the
 * thread pool. A 256 KiB read from the page cache costs the main thread tens of
 * µs done in place, and ~75 µs as a hand-off to the pool and back on this
 * project's 2-core machines; a 2 GiB upload reads 16,384 times (each byte
 * hashed, then sent): 23 % of its CPU (bench/README.md, "Reads in place").
 */
export function fileReader(file: FileHandle, slowReadMs = SLOW_READ_MS): ReadAt {
  let slowInARow = 0;
  return async (buffer, offset, length, position) => {
    if (slowInARow >= SLOW_READS_IN_A_ROW) {
      return (await file.read(buffer, offset, length, position)).bytesRead;
    }
    const started = performance.now();
    const bytesRead = readSync(file.fd, buffer, offset, length, position);
    slowInARow = performance.now() - started > slowReadMs ? slowInARow + 1 : 0;
    return bytesRead;
  };
}
