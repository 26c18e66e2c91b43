import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { mapAwsError } from "../aws-errors.js";
import { sendOptions } from "./context.js";
/** Every object under `prefix`, page by page (ListObjectsV2 continuation tokens). */
export async function* listObjects(ctx, prefix, pageSize) {
    let token;
    do {
        let page;
        try {
            page = await ctx.s3.send(new ListObjectsV2Command({
                Bucket: ctx.bucket,
                ...(prefix === "" ? {} : { Prefix: prefix }),
                ...(token === undefined ? {} : { ContinuationToken: token }),
                ...(pageSize === undefined ? {} : { MaxKeys: pageSize }),
            }), sendOptions(ctx));
        }
        catch (err) {
            throw mapAwsError(err, { action: "ListObjectsV2", role: ctx.role, bucket: ctx.bucket });
        }
        for (const item of page.Contents ?? []) {
            if (item.Key === undefined)
                continue;
            yield {
                key: item.Key,
                size: item.Size ?? 0,
                lastModified: item.LastModified,
                etag: item.ETag,
                storageClass: item.StorageClass,
            };
        }
        token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
}
