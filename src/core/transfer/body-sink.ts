import { createHash } from "node:crypto";
import { StrongboxError } from "../errors.js";
import { type CallContext, RetryableError } from "./s3-call.js";
import { classify, TransportError } from "./transport.js";

/** Where a GET's bytes go: `write` puts buffers one after another at `position`. */
export type RangeSink = (buffers: Buffer[], position: number) => Promise<void>;

/** Progress of one request: a retried attempt takes back what the failed one reported. */
export function reporter(onBytes: (delta: number) => void) {
  let reported = 0;
  return {
    restart() {
      if (reported > 0) onBytes(-reported);
      reported = 0;
    },
    add(delta: number) {
      reported += delta;
      onBytes(delta);
    },
  };
}

/**
 * Socket chunks gathered before one `writev`, per range in flight: at 8 ranges,
 * 256 KiB keeps a 2 GiB download at 94–99 MiB peak RSS (512 KiB: 100–103);
 * 4 MiB cost more CPU (bench/README.md, "Write batches").
 */
const WRITE_BATCH_BYTES = 256 * 1024;

/** A response body into `write` at `start`, exactly `length` bytes, hashed (SHA-256, base64) as it streams. */
export async function streamInto(
  ctx: CallContext,
  body: AsyncIterable<Uint8Array>,
  start: number,
  length: number,
  write: RangeSink,
  onBytes: (delta: number) => void,
): Promise<string> {
  const hash = createHash("sha256");
  let offset = start;
  // Writes are batched (one call per WRITE_BATCH_BYTES) so the disk keeps up with the socket.
  let batch: Buffer[] = [];
  let batched = 0;
  const flush = async () => {
    if (batched === 0) return;
    await write(batch, offset - batched);
    batch = [];
    batched = 0;
  };
  try {
    for await (const chunk of body) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (offset + bytes.length > start + length) {
        throw new RetryableError("the server sent too many bytes");
      }
      hash.update(bytes);
      batch.push(bytes);
      batched += bytes.length;
      offset += bytes.length;
      onBytes(bytes.length);
      if (batched >= WRITE_BATCH_BYTES) await flush();
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
}
