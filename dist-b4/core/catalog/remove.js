import { DeleteObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { mapAwsError } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
import { sendOptions } from "./context.js";
/**
 * Without `versionId`: adds a delete marker (earlier versions stay, restorable).
 * With it: deletes that version permanently — the contract allows this only
 * to Admin with MFA in the session, and S3 (bucket policy) enforces it.
 */
export async function removeObject(ctx, key, versionId) {
    if (versionId === undefined) {
        // S3 happily adds a delete marker to a key that does not exist; say so instead.
        try {
            await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }), sendOptions(ctx));
        }
        catch (err) {
            const mapped = mapAwsError(err, {
                action: "HeadObject",
                role: ctx.role,
                bucket: ctx.bucket,
                key,
            });
            if (mapped.kind === "not-found") {
                throw new StrongboxError("not-found", `not found: ${key} (nothing to delete, or already deleted)`, {
                    hint: "see `strongbox versions KEY`",
                });
            }
            // A role that may delete but not read would be odd; let DeleteObject decide.
            if (mapped.kind !== "access-denied")
                throw mapped;
        }
    }
    try {
        const out = await ctx.s3.send(new DeleteObjectCommand({
            Bucket: ctx.bucket,
            Key: key,
            ...(versionId === undefined ? {} : { VersionId: versionId }),
        }), sendOptions(ctx));
        return {
            key,
            permanent: versionId !== undefined,
            versionId,
            deleteMarkerVersionId: versionId === undefined ? out.VersionId : undefined,
        };
    }
    catch (err) {
        throw mapAwsError(err, {
            action: versionId === undefined ? "DeleteObject" : "DeleteObjectVersion",
            role: ctx.role,
            bucket: ctx.bucket,
            key,
            versionId,
        });
    }
}
