import {
  AbortMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { mapAwsError, type StrongboxAction } from "../../core/aws-errors.js";
import { type CatalogContext, sendOptions } from "../../core/catalog/context.js";

/** One S3 call of the page's server; a failure says which role may do it, as the CLI does. */
async function call<T>(
  ctx: CatalogContext,
  what: { action: StrongboxAction; key?: string },
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await send();
  } catch (err) {
    throw mapAwsError(err, { ...what, role: ctx.role, bucket: ctx.bucket });
  }
}

export interface BrowsePage {
  prefix: string;
  /** Sub-"folders" directly under the prefix (common prefixes, ending in "/"). */
  folders: string[];
  objects: { key: string; size: number; lastModified: string | undefined }[];
  /** Pass back to get the next page; absent on the last page. */
  next: string | undefined;
}

/** One page of what is directly under `prefix` (ListObjectsV2 with the "/" delimiter). */
export async function browse(
  ctx: CatalogContext,
  prefix: string,
  pageSize: number,
  next: string | undefined,
): Promise<BrowsePage> {
  const page = await call(ctx, { action: "ListObjectsV2" }, () =>
    ctx.s3.send(
      new ListObjectsV2Command({
        Bucket: ctx.bucket,
        Delimiter: "/",
        MaxKeys: pageSize,
        ...(prefix === "" ? {} : { Prefix: prefix }),
        ...(next === undefined ? {} : { ContinuationToken: next }),
      }),
      sendOptions(ctx),
    ),
  );
  return {
    prefix,
    folders: (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix ? [p.Prefix] : [])),
    objects: (page.Contents ?? []).flatMap((o) =>
      o.Key === undefined
        ? []
        : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.toISOString() }],
    ),
    next: page.IsTruncated === true ? page.NextContinuationToken : undefined,
  };
}

export interface PendingUpload {
  key: string;
  uploadId: string;
  initiated: string | undefined;
}

/** Multipart uploads started but neither completed nor aborted (they hold storage). */
export async function listPendingUploads(ctx: CatalogContext): Promise<PendingUpload[]> {
  const out: PendingUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await call(ctx, { action: "ListMultipartUploads" }, () =>
      ctx.s3.send(
        new ListMultipartUploadsCommand({
          Bucket: ctx.bucket,
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(uploadIdMarker === undefined ? {} : { UploadIdMarker: uploadIdMarker }),
        }),
        sendOptions(ctx),
      ),
    );
    for (const u of page.Uploads ?? []) {
      if (u.Key === undefined || u.UploadId === undefined) continue;
      out.push({
        key: u.Key,
        uploadId: u.UploadId,
        initiated: u.Initiated?.toISOString(),
      });
    }
    if (page.IsTruncated !== true || page.NextKeyMarker === undefined) return out;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

export async function abortPendingUpload(
  ctx: CatalogContext,
  key: string,
  uploadId: string,
): Promise<void> {
  await call(ctx, { action: "AbortMultipartUpload", key }, () =>
    ctx.s3.send(
      new AbortMultipartUploadCommand({ Bucket: ctx.bucket, Key: key, UploadId: uploadId }),
      sendOptions(ctx),
    ),
  );
}
