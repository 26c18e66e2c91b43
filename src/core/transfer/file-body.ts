import { open } from "node:fs/promises";
import { FileChangedError } from "./checksum.js";
import { fileReader } from "./file-reader.js";
import type { BodyWriter } from "./transport.js";

/**
 * Bytes per read while sending, and buffers per request body, reused in turn:
 * one is read into while the other is written. 256 KiB reads make a quarter of
 * the 64 KiB ones (each was a hand-off to the thread pool then), and cut a
 * 2 GiB upload's CPU by ~20 % (bench/README.md, "Memory, the send path").
 */
const SEND_CHUNK_BYTES = 256 * 1024;
const SEND_BUFFERS = 2;

/**
 * A request body that sends `size` bytes of a file from `start` and reports
 * each chunk. It reads into two reused 256 KiB buffers, each taken again only
 * once the socket has taken its last chunk: memory stays bounded and nothing is
 * left for the garbage collector (a stream allocates a buffer per read, and at
 * 8 parts in flight those waited in the tens of MiB). Each call is a fresh
 * attempt: the bytes the previous attempt reported are taken back first, so
 * progress never counts a retried part twice.
 */
export function fileBodyFactory(
  path: string,
  start: number,
  size: number,
  onBytes: (delta: number) => void,
): () => BodyWriter | Uint8Array {
  let reported = 0;
  return () => {
    if (reported > 0) onBytes(-reported);
    reported = 0;
    if (size === 0) return new Uint8Array(0);
    return async (sink) => {
      const file = await open(path, "r");
      const read = fileReader(file);
      try {
        const length = Math.min(SEND_CHUNK_BYTES, size);
        const buffers = Array.from({ length: SEND_BUFFERS }, () => Buffer.allocUnsafe(length));
        const written: Array<Promise<void> | undefined> = [];
        for (let done = 0, i = 0; done < size; i = (i + 1) % SEND_BUFFERS) {
          await written[i];
          const buffer = buffers[i] as Buffer;
          const want = Math.min(length, size - done);
          const bytesRead = await read(buffer, 0, want, start + done);
          if (bytesRead === 0) throw new FileChangedError(path);
          done += bytesRead;
          reported += bytesRead;
          onBytes(bytesRead);
          const chunk = bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
          const write = new Promise<void>((resolve, reject) =>
            sink.write(chunk, (error) => (error ? reject(error) : resolve())),
          );
          write.catch(() => {}); // awaited when its buffer comes round again, or below
          written[i] = write;
        }
        await Promise.all(written);
      } finally {
        await file.close();
      }
    };
  };
}

/** A request body already in memory; like fileBodyFactory, each attempt takes back the progress the last one reported. */
export function bufferBody(data: Uint8Array, onBytes: (delta: number) => void): () => Uint8Array {
  let reported = 0;
  return () => {
    if (reported > 0) onBytes(-reported);
    reported = data.length;
    if (reported > 0) onBytes(reported);
    return data;
  };
}
