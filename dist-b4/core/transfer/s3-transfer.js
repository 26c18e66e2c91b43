import { StrongboxError } from "../errors.js";
import { reporter, streamInto } from "./body-sink.js";
import { CREATE_ONLY_HEADERS } from "./complete.js";
import { S3RequestError, s3Call, } from "./s3-call.js";
import { parseListParts, xmlText } from "./s3-xml.js";
import { CRCS } from "./transfer-types.js";
/**
 * The S3 requests of a transfer, each one pre-signed call: PUT, the multipart
 * calls (create, upload part, list parts, complete, abort), HEAD and the
 * ranged GET. What to do with their answers is the callers' job.
 */
export { CREATE_ONLY_HEADERS, completeMultipart } from "./complete.js";
/** A single PUT carrying the file's SHA-256 (S3 checks it); returns the answer's headers. */
export async function putObject(ctx, key, put) {
    const op = { action: "PutObject", key, doing: "upload" };
    return s3Call(ctx, {
        op,
        method: "PUT",
        key,
        headers: {
            "content-length": String(put.size),
            "x-amz-checksum-sha256": put.checksum,
            // Names the algorithm; S3 ignores it beside x-amz-checksum-sha256, some emulators need it to keep the checksum.
            "x-amz-sdk-checksum-algorithm": "SHA256",
            ...(put.createOnly ? CREATE_ONLY_HEADERS : {}),
        },
        body: put.body,
    }, async (res) => {
        await res.discard();
        return res.headers;
    });
}
export async function createMultipart(ctx, key) {
    const op = {
        action: "CreateMultipartUpload",
        key,
        doing: "start a multipart upload of",
    };
    const body = await s3Call(ctx, {
        op,
        method: "POST",
        key,
        query: { uploads: "" },
        headers: { "x-amz-checksum-algorithm": "SHA256" },
    }, (res) => res.text());
    const uploadId = xmlText(body, "UploadId");
    if (!uploadId)
        throw new StrongboxError("failed", `S3 did not return an upload id for "${key}".`);
    return uploadId;
}
/** One part with its SHA-256 (S3 checks it); returns the part's ETag. */
export async function uploadPart(ctx, key, uploadId, part) {
    const { number, checksum } = part;
    const op = { action: "UploadPart", key, doing: `upload part ${number} of` };
    return s3Call(ctx, {
        op,
        method: "PUT",
        key,
        query: { partNumber: String(number), uploadId },
        headers: { "content-length": String(part.size), "x-amz-checksum-sha256": checksum },
        body: part.body,
    }, async (res) => {
        await res.discard();
        const echoed = res.headers["x-amz-checksum-sha256"];
        if (echoed !== undefined && echoed !== checksum) {
            throw new StrongboxError("failed", `S3 stored part ${number} of "${key}" with a different checksum.`);
        }
        const tag = res.headers.etag;
        if (!tag)
            throw new StrongboxError("failed", `S3 returned no ETag for part ${number} of "${key}".`);
        return tag;
    });
}
export async function listAllParts(ctx, key, uploadId) {
    const op = { action: "ListParts", key, doing: "list the uploaded parts of" };
    const parts = [];
    let marker;
    for (;;) {
        const query = {
            uploadId,
            ...(marker ? { "part-number-marker": marker } : {}),
        };
        const page = parseListParts(await s3Call(ctx, { op, method: "GET", key, query }, (res) => res.text()));
        parts.push(...page.parts);
        if (!page.truncated || !page.nextMarker || page.nextMarker === marker)
            return parts;
        marker = page.nextMarker;
    }
}
/** ListParts, or undefined when S3 no longer knows the upload (NoSuchUpload, 404). */
export function listPartsIfAny(ctx, key, uploadId) {
    return listAllParts(ctx, key, uploadId).catch((error) => {
        if (error instanceof S3RequestError && (error.code === "NoSuchUpload" || error.status === 404))
            return undefined;
        throw error;
    });
}
/** Best effort, with its own short deadline: it runs after a Ctrl-C, whose signal is already spent. */
export async function abortQuietly(ctx, key, uploadId) {
    const op = { action: "AbortMultipartUpload", key, doing: "abort the upload of" };
    const { signal: _spent, checkSession: _guard, ...rest } = ctx;
    try {
        await s3Call({
            ...rest,
            signal: AbortSignal.timeout(15_000),
            retry: { maxAttempts: 2, baseDelayMs: 200, maxDelayMs: 1000 },
        }, {
            op,
            method: "DELETE",
            key,
            query: { uploadId },
            ok: (s) => (s >= 200 && s < 300) || s === 404,
        }, (res) => res.discard());
    }
    catch {
        // Left for the bucket's lifecycle rule (abort incomplete multipart uploads).
    }
}
/** HEAD with the checksum mode: size, ETag, version, the checksums S3 holds (of part `partNumber`). */
export async function headObject(ctx, key, versionId, partNumber) {
    const op = {
        action: "HeadObject",
        key,
        ...(versionId ? { versionId } : {}),
        doing: "read",
    };
    const query = {
        ...(versionId ? { versionId } : {}),
        ...(partNumber ? { partNumber: String(partNumber) } : {}),
    };
    const headers = await s3Call(ctx, { op, method: "HEAD", key, query, headers: { "x-amz-checksum-mode": "ENABLED" } }, async (res) => {
        await res.discard();
        return res.headers;
    });
    return headOf(headers);
}
/** What S3's answer headers (to a HEAD, or a whole GET with the checksum mode) say of the object. */
export function headOf(headers) {
    return {
        size: Number(headers["content-length"] ?? 0),
        etag: headers.etag ?? "",
        versionId: headers["x-amz-version-id"] ?? null,
        checksumSha256: headers["x-amz-checksum-sha256"] ?? null,
        checksumType: headers["x-amz-checksum-type"] ?? null,
        crcs: Object.fromEntries(CRCS.flatMap((crc) => {
            const value = headers[`x-amz-checksum-${crc}`];
            return value ? [[crc, value]] : [];
        })),
        sse: headers["x-amz-server-side-encryption"] ?? null,
        partsCount: headers["x-amz-mp-parts-count"] ? Number(headers["x-amz-mp-parts-count"]) : null,
    };
}
const getOp = (key, versionId) => ({
    action: "GetObject",
    key,
    ...(versionId ? { versionId } : {}),
    doing: "download",
});
/**
 * GET of the object (or of `range`), pinned to what HEAD saw (its version, else
 * its ETag), written through `write` as it streams in; returns the SHA-256
 * (base64) of the bytes received. A body cut short or too long is retried.
 */
export async function getObjectRange(ctx, key, head, range, write, onBytes) {
    const start = range?.start ?? 0;
    const length = range?.length ?? head.size;
    const progress = reporter(onBytes);
    const query = head.versionId ? { versionId: head.versionId } : {};
    const headers = {
        ...(range ? { range: `bytes=${range.start}-${range.start + range.length - 1}` } : {}),
        ...(head.versionId ? {} : head.etag ? { "if-match": head.etag } : {}),
    };
    const spec = { op: getOp(key, head.versionId), method: "GET", key, query, headers };
    return s3Call(ctx, spec, async (res) => {
        progress.restart();
        if (range &&
            res.status !== 206 &&
            !(res.status === 200 && range.start === 0 && range.length === head.size)) {
            await res.discard();
            throw new StrongboxError("failed", `S3 ignored the byte range asked for "${key}".`);
        }
        return streamInto(ctx, res.body, start, length, write, progress.add);
    });
}
/**
 * One GET of the whole object, without a HEAD first: its answer's headers (with
 * the checksum mode, the same HEAD would give) tell `open` what the object is,
 * and `open` says where its bytes go. Returns those headers' reading and the
 * SHA-256 (base64) of the bytes received.
 */
export async function getWholeObject(ctx, key, versionId, open, onBytes) {
    const progress = reporter(onBytes);
    const query = versionId ? { versionId } : {};
    const headers = { "x-amz-checksum-mode": "ENABLED" };
    const spec = { op: getOp(key, versionId), method: "GET", key, query, headers };
    return s3Call(ctx, spec, async (res) => {
        progress.restart();
        const head = headOf(res.headers);
        const write = await open(head).catch(async (error) => {
            await res.discard().catch(() => { });
            throw error;
        });
        return { head, digest: await streamInto(ctx, res.body, 0, head.size, write, progress.add) };
    });
}
