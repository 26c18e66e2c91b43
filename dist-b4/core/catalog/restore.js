import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateMultipartUploadCommand, HeadObjectCommand, UploadPartCopyCommand, } from "@aws-sdk/client-s3";
import { mapAwsError } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
import { sendOptions } from "./context.js";
/** CopyObject's limit; larger versions are copied part by part (UploadPartCopy). */
export const MAX_COPY_BYTES = 5 * 1024 ** 3;
/** Part size of a multipart copy: 10,000 parts of 1 GiB cover S3's 5 TiB maximum. */
export const COPY_PART_BYTES = 1024 ** 3;
/**
 * Makes `versionId` of `key` the latest again by copying it onto the key
 * (control-plane calls with the role's credentials; the bytes stay in S3).
 * The copy is encrypted by the bucket's default key, like every other write.
 */
export async function restoreVersion(ctx, key, versionId, tuning = {}) {
    const where = {
        action: "RestoreVersion",
        role: ctx.role,
        bucket: ctx.bucket,
        key,
        versionId,
    };
    let size;
    try {
        const head = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: versionId }), sendOptions(ctx));
        size = head.ContentLength;
    }
    catch (err) {
        const status = err.$metadata?.httpStatusCode;
        // HEAD of a delete marker's version id answers 405.
        if (status === 405) {
            throw new StrongboxError("usage", `version ${versionId} of ${key} is a delete marker, not content`, {
                hint: "pick a version that is not marked (delete marker) in `strongbox versions KEY`",
            });
        }
        if (status === 400 || status === 404) {
            throw new StrongboxError("not-found", `not found: version ${versionId} of ${key}`, {
                hint: "see `strongbox versions KEY`",
                cause: err,
            });
        }
        throw mapAwsError(err, where);
    }
    const copySource = `${ctx.bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}?versionId=${encodeURIComponent(versionId)}`;
    const limit = tuning.singleCopyLimit ?? MAX_COPY_BYTES;
    if (size !== undefined && size > limit) {
        const newVersionId = await multipartCopy(ctx, key, copySource, size, tuning.partSize ?? COPY_PART_BYTES, where);
        return { key, restoredVersionId: versionId, newVersionId, size, method: "multipart-copy" };
    }
    try {
        const out = await ctx.s3.send(new CopyObjectCommand({ Bucket: ctx.bucket, Key: key, CopySource: copySource }), sendOptions(ctx));
        return { key, restoredVersionId: versionId, newVersionId: out.VersionId, size, method: "copy" };
    }
    catch (err) {
        throw mapAwsError(err, where);
    }
}
/** CreateMultipartUpload → UploadPartCopy per range → Complete; aborted on any failure. */
async function multipartCopy(ctx, key, copySource, size, partSize, where) {
    let uploadId;
    try {
        const created = await ctx.s3.send(new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: key }), sendOptions(ctx));
        uploadId = created.UploadId;
        if (uploadId === undefined)
            throw new StrongboxError("failed", "S3 returned no upload id");
        const parts = [];
        for (let start = 0, n = 1; start < size; start += partSize, n++) {
            const end = Math.min(start + partSize, size) - 1;
            const out = await ctx.s3.send(new UploadPartCopyCommand({
                Bucket: ctx.bucket,
                Key: key,
                UploadId: uploadId,
                PartNumber: n,
                CopySource: copySource,
                CopySourceRange: `bytes=${start}-${end}`,
            }), sendOptions(ctx));
            parts.push({ PartNumber: n, ETag: out.CopyPartResult?.ETag });
        }
        const done = await ctx.s3.send(new CompleteMultipartUploadCommand({
            Bucket: ctx.bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
        }), sendOptions(ctx));
        return done.VersionId;
    }
    catch (err) {
        if (uploadId !== undefined) {
            // Best effort: an abandoned upload only costs storage until the lifecycle rule removes it.
            await ctx.s3
                .send(new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }))
                .catch(() => undefined);
        }
        throw mapAwsError(err, where);
    }
}
