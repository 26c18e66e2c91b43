import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { FileChangedError } from "./checksum.js";

/**
 * A request body that streams `size` bytes of a file from `start` (bounded
 * memory) and reports each chunk. Each call is a fresh attempt: the bytes the
 * previous attempt reported are taken back first, so progress never counts a
 * retried part twice.
 */
export function fileBodyFactory(
  path: string,
  start: number,
  size: number,
  onBytes: (delta: number) => void,
): () => Readable | Uint8Array {
  let reported = 0;
  return () => {
    if (reported > 0) onBytes(-reported);
    reported = 0;
    if (size === 0) return new Uint8Array(0);
    const source = createReadStream(path, {
      start,
      end: start + size - 1,
      highWaterMark: 256 * 1024,
    });
    async function* chunks() {
      let seen = 0;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        seen += chunk.length;
        if (seen > size) throw new FileChangedError(path);
        reported += chunk.length;
        onBytes(chunk.length);
        yield chunk;
      }
      if (seen !== size) throw new FileChangedError(path);
    }
    return Readable.from(chunks(), { objectMode: false });
  };
}
