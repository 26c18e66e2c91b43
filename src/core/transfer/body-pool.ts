/**
 * Buffers for the files a batch reads whole (an upload's files up to 1 MiB:
 * hashed and sent from memory), handed back once the file's PUT has ended and
 * used again for the next file. A new buffer per file leaves each one for the
 * garbage collector, which frees them only by tens of MiB: 300 files of 1 MiB
 * peaked at 159 MiB RSS with 16 files in flight, 230 with 64
 * (bench/README.md, "Files in flight").
 */
export interface BodyPool {
  /** A buffer of `size` bytes (its contents undefined): a kept one when `size` fits. */
  take(size: number): Buffer;
  /** Ends a buffer's use; the pool keeps it for the next `take` while it holds fewer than its limit. */
  give(buffer: Buffer): void;
}

export function bodyPool(slabBytes: number, keep: number): BodyPool {
  const free: ArrayBuffer[] = [];
  return {
    take(size) {
      if (size > slabBytes) return Buffer.allocUnsafe(size);
      const slab = free.pop() ?? new ArrayBuffer(slabBytes);
      return Buffer.from(slab, 0, size);
    },
    give(buffer) {
      const slab = buffer.buffer;
      if (slab instanceof ArrayBuffer && slab.byteLength === slabBytes && free.length < keep)
        free.push(slab);
    },
  };
}
