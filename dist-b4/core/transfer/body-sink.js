import { createHash } from "node:crypto";
import { StrongboxError } from "../errors.js";
import { RetryableError } from "./s3-call.js";
import { classify, TransportError } from "./transport.js";
/** Progress of one request: a retried attempt takes back what the failed one reported. */
export function reporter(onBytes) {
    let reported = 0;
    return {
        restart() {
            if (reported > 0)
                onBytes(-reported);
            reported = 0;
        },
        add(delta) {
            reported += delta;
            onBytes(delta);
        },
    };
}
/** A response body into `write` at `start`, exactly `length` bytes, hashed (SHA-256, base64) as it streams. */
export async function streamInto(ctx, body, start, length, write, onBytes) {
    const hash = createHash("sha256");
    let offset = start;
    // Writes are batched (≈1 MiB per call) so the disk keeps up with the socket.
    let batch = [];
    let batched = 0;
    const flush = async () => {
        if (batched === 0)
            return;
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
            if (batched >= 256 * 1024)
                await flush();
        }
        await flush();
    }
    catch (error) {
        if (error instanceof RetryableError || error instanceof StrongboxError)
            throw error;
        const classified = classify(error, ctx.signal);
        if (classified instanceof TransportError) {
            if (classified.kind === "aborted")
                throw classified;
            throw new RetryableError(classified.message, { kind: classified.kind });
        }
        throw error;
    }
    if (offset !== start + length)
        throw new RetryableError("the download was cut short");
    return hash.digest("base64");
}
