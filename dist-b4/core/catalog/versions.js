import { ListObjectVersionsCommand, } from "@aws-sdk/client-s3";
import { mapAwsError } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
import { sendOptions } from "./context.js";
/**
 * Every version and delete marker of exactly `key` (not of keys that merely
 * start with it), newest first. Throws not-found when there are none.
 */
export async function listVersions(ctx, key) {
    const entries = [];
    let keyMarker;
    let versionIdMarker;
    for (;;) {
        let page;
        try {
            page = await ctx.s3.send(new ListObjectVersionsCommand({
                Bucket: ctx.bucket,
                Prefix: key,
                ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
                ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
            }), sendOptions(ctx));
        }
        catch (err) {
            throw mapAwsError(err, {
                action: "ListObjectVersions",
                role: ctx.role,
                bucket: ctx.bucket,
                key,
            });
        }
        for (const v of page.Versions ?? []) {
            if (v.Key !== key)
                continue;
            entries.push({
                key,
                versionId: v.VersionId ?? "null",
                isLatest: v.IsLatest === true,
                deleteMarker: false,
                size: v.Size,
                lastModified: v.LastModified,
                etag: v.ETag,
            });
        }
        for (const m of page.DeleteMarkers ?? []) {
            if (m.Key !== key)
                continue;
            entries.push({
                key,
                versionId: m.VersionId ?? "null",
                isLatest: m.IsLatest === true,
                deleteMarker: true,
                size: undefined,
                lastModified: m.LastModified,
                etag: undefined,
            });
        }
        // Versions of other keys sort after ours once past it: stop early.
        const pastKey = (page.Versions ?? [])
            .concat(page.DeleteMarkers ?? [])
            .some((v) => v.Key !== undefined && v.Key > key);
        if (page.IsTruncated !== true || pastKey)
            break;
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
    }
    if (entries.length === 0) {
        throw new StrongboxError("not-found", `not found: no versions of ${key}`, {
            hint: "see `strongbox ls` for existing keys",
        });
    }
    entries.sort((a, b) => Number(b.isLatest) - Number(a.isLatest) ||
        (b.lastModified?.getTime() ?? 0) - (a.lastModified?.getTime() ?? 0));
    return entries;
}
