import { statSync } from "node:fs";
import { systemClock } from "../clock.js";
import { StrongboxError } from "../errors.js";
import { compositeChecksum, sha256OfRange, toBase64 } from "./checksum.js";
import { createLimiter } from "./limiter.js";
import { headObject } from "./s3-transfer.js";
import { transferContext } from "./transfer-context.js";
import { compositeParts } from "./verify.js";
export async function compareWithObject(deps, bucket, check) {
    const local = statSync(check.path, { throwIfNoEntry: false });
    if (local === undefined || !local.isFile())
        return "missing";
    const ctx = transferContext(deps, bucket, deps.clock ?? systemClock);
    let head;
    try {
        head = await headObject(ctx, check.key, check.versionId);
    }
    catch (error) {
        if (error instanceof StrongboxError && error.kind === "not-found")
            return "missing";
        throw error;
    }
    if (head.size !== local.size)
        return "different";
    const stored = head.checksumSha256;
    if (stored === null)
        return "unknown";
    // Composite: "…-N", or a multipart ETag when the server leaves the -N off the checksum.
    const parts = compositeParts(head);
    const digest = stored.replace(/-\d+$/, "");
    if (parts === undefined) {
        const whole = toBase64(await sha256OfRange(check.path, 0, local.size, deps.signal));
        return whole === digest ? "same" : "different";
    }
    const partSize = (await headObject(ctx, check.key, check.versionId, 1)).size;
    if (partSize <= 0 || Math.ceil(local.size / partSize) !== parts)
        return "unknown";
    const digests = [];
    for (let i = 0; i < parts; i++) {
        const start = i * partSize;
        digests.push(await sha256OfRange(check.path, start, Math.min(partSize, local.size - start), deps.signal));
    }
    return toBase64(compositeChecksum("sha256", digests)) === digest ? "same" : "different";
}
/** What S3 says of one object (a read: HEAD), for --dry-run. */
export async function describeObject(deps, bucket, key, versionId) {
    const ctx = transferContext(deps, bucket, deps.clock ?? systemClock);
    const head = await headObject(ctx, key, versionId);
    return { size: head.size, versionId: head.versionId };
}
const STOPS = new Set(["credentials", "interrupted", "usage"]);
/**
 * Splits upload jobs into those to send and those already in S3 unchanged.
 * A role that may not read the bucket (the Uploader) cannot tell: every file
 * is sent, and `unreadable` says why.
 */
export async function partitionUnchanged(deps, bucket, jobs, concurrency = 8) {
    const limiter = createLimiter(concurrency);
    let unreadable;
    const verdicts = await Promise.all(jobs.map((job) => limiter.run(async () => {
        if (unreadable !== undefined)
            return "unknown";
        try {
            return await compareWithObject(deps, bucket, job);
        }
        catch (error) {
            if (error instanceof StrongboxError && error.kind === "access-denied") {
                unreadable ??= error;
                return "unknown";
            }
            // A lost session or Ctrl-C stops the batch; any other doubt means "send it",
            // and the upload itself reports what goes wrong with that file.
            if (error instanceof StrongboxError && STOPS.has(error.kind))
                throw error;
            return "unknown";
        }
    })));
    return {
        send: jobs.filter((_, i) => verdicts[i] !== "same"),
        unchanged: jobs.filter((_, i) => verdicts[i] === "same"),
        unreadable,
    };
}
