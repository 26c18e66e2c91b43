import { StrongboxError } from "../errors.js";
import { RetryableError, refusal, S3RequestError, s3Call, } from "./s3-call.js";
import { completeMultipartBody, parseS3Error, xmlText } from "./s3-xml.js";
/** The signed header that makes a write create-only. */
export const CREATE_ONLY_HEADERS = { "if-none-match": "*" };
/** S3 codes in a 200 answer's <Error> body that its documentation says to retry. */
const RETRYABLE_IN_200 = new Set([
    "InternalError",
    "SlowDown",
    "ServiceUnavailable",
    "RequestTimeout",
]);
/**
 * CompleteMultipartUpload, idempotent: when the answer to an earlier attempt
 * (or an earlier run) was lost, S3 says NoSuchUpload to the retry; then whether
 * the object landed is found out with what the role may do:
 * - a role that may read (viewer, admin): HEAD with the checksum mode, and the
 *   object's composite SHA-256 must be the one of the parts sent;
 * - the Uploader (no read): ListParts of the upload id must say NoSuchUpload too.
 *   Strongbox aborts an upload only when it gives it up, and the bucket's
 *   lifecycle rule only after days, so a vanished id means S3 completed it. The
 *   limit: the Uploader can't prove the object holds these bytes; the
 *   composite checksum is reported and anyone who may read can verify it.
 */
export async function completeMultipart(ctx, key, uploadId, parts, expected, note) {
    const op = { action: "CompleteMultipartUpload", key, doing: "complete the upload of" };
    const xml = completeMultipartBody(parts.map((p) => ({ number: p.number, etag: p.etag, checksumSha256: p.checksumSha256 })));
    try {
        const { text, headers } = await s3Call(ctx, {
            op,
            method: "POST",
            key,
            query: { uploadId },
            headers: {
                "content-type": "application/xml",
                "content-length": String(Buffer.byteLength(xml)),
                ...(expected.createOnly ? CREATE_ONLY_HEADERS : {}),
            },
            body: () => xml,
        }, async (res) => {
            const text = await res.text();
            // S3 may answer 200 and still fail, with an <Error> body: some of those are to be retried.
            if (/<Error>/.test(text)) {
                const error = parseS3Error(text);
                if (error.code !== undefined && RETRYABLE_IN_200.has(error.code)) {
                    throw new RetryableError(`S3 answered ${error.code}`, {
                        status: 200,
                        code: error.code,
                    });
                }
                throw refusal(ctx, op, { status: 200, ...error });
            }
            return { text, headers: res.headers };
        });
        const checksum = xmlText(text, "ChecksumSHA256");
        return { versionId: headers["x-amz-version-id"] ?? null, ...(checksum ? { checksum } : {}) };
    }
    catch (error) {
        // A create-only retry after a lost answer may meet our own object: 412.
        const preconditionFailed = expected.createOnly === true && error instanceof S3RequestError && error.status === 412;
        if (!(error instanceof S3RequestError && error.code === "NoSuchUpload") && !preconditionFailed)
            throw error;
        const landed = await confirmLanded(ctx, key, uploadId, expected).catch((checkError) => {
            // The refusal itself is the clearer message when the check can't be made.
            if (preconditionFailed)
                throw error;
            throw checkError;
        });
        if (landed === undefined && preconditionFailed)
            throw error; // someone else's object: "already exists"
        if (landed === undefined) {
            throw new StrongboxError("failed", `The upload of "${key}" was not completed: S3 answered NoSuchUpload, and the object under that key is not this file.`, { hint: "Upload the file again (without --resume).", cause: error });
        }
        note(landed.confirmedBy === "head-checksum"
            ? `S3's answer to completing "${key}" was lost; the object's composite checksum shows it landed.`
            : `S3's answer to completing "${key}" was lost; its upload id is gone, so S3 completed it (this role can't read the object to compare its checksum).`);
        return landed;
    }
}
async function confirmLanded(ctx, key, uploadId, expected) {
    if (ctx.role === "uploader") {
        const op = { action: "ListParts", key, doing: "list the uploaded parts of" };
        const gone = await s3Call(ctx, { op, method: "GET", key, query: { uploadId, "max-parts": "1" } }, async (res) => {
            await res.discard();
            return false;
        }).catch((error) => {
            if (error instanceof S3RequestError && error.code === "NoSuchUpload")
                return true;
            throw error;
        });
        return gone ? { versionId: null, confirmedBy: "upload-id-gone" } : undefined;
    }
    const op = { action: "HeadObject", key, doing: "read" };
    const headers = await s3Call(ctx, { op, method: "HEAD", key, headers: { "x-amz-checksum-mode": "ENABLED" } }, async (res) => {
        await res.discard();
        return res.headers;
    }).catch((error) => {
        if (error instanceof S3RequestError && error.status === 404)
            return undefined;
        throw error;
    });
    if (headers === undefined)
        return undefined;
    const stored = headers["x-amz-checksum-sha256"]?.split("-")[0];
    const size = Number(headers["content-length"]);
    if (stored !== expected.checksum.split("-")[0] || size !== expected.size)
        return undefined;
    return {
        versionId: headers["x-amz-version-id"] ?? null,
        checksum: expected.checksum,
        confirmedBy: "head-checksum",
    };
}
