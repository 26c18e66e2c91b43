import { CopyObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { mapAwsError } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
import { type CatalogContext, sendOptions } from "./context.js";

/** CopyObject's limit; larger objects would need a multipart copy. */
export const MAX_COPY_BYTES = 5 * 1024 ** 3;

export interface RestoreResult {
  key: string;
  restoredVersionId: string;
  /** The new latest version (a copy of the restored one). */
  newVersionId: string | undefined;
  size: number | undefined;
}

/**
 * Makes `versionId` of `key` the latest again by copying it onto the key
 * (a control-plane call with the role's credentials; the bytes stay in S3).
 * The copy is encrypted by the bucket's default key, like every other write.
 */
export async function restoreVersion(
  ctx: CatalogContext,
  key: string,
  versionId: string,
): Promise<RestoreResult> {
  const where = { role: ctx.role, bucket: ctx.bucket, key, versionId };
  let size: number | undefined;
  try {
    const head = await ctx.s3.send(
      new HeadObjectCommand({ Bucket: ctx.bucket, Key: key, VersionId: versionId }),
      sendOptions(ctx),
    );
    size = head.ContentLength;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    // HEAD of a delete marker's version id answers 405.
    if (status === 405) {
      throw new StrongboxError(
        "usage",
        `version ${versionId} of ${key} is a delete marker, not content`,
        {
          hint: "pick a version that is not marked (delete marker) in `strongbox versions KEY`",
        },
      );
    }
    if (status === 400 || status === 404) {
      throw new StrongboxError("not-found", `not found: version ${versionId} of ${key}`, {
        hint: "see `strongbox versions KEY`",
        cause: err,
      });
    }
    throw mapAwsError(err, { action: "RestoreVersion", ...where });
  }
  if (size !== undefined && size > MAX_COPY_BYTES) {
    throw new StrongboxError(
      "failed",
      `version ${versionId} of ${key} is larger than 5 GiB: restore copies with CopyObject, which stops at 5 GiB`,
      {
        hint: "download that version (`strongbox download KEY --version-id V`) and upload it again",
      },
    );
  }
  try {
    const out = await ctx.s3.send(
      new CopyObjectCommand({
        Bucket: ctx.bucket,
        Key: key,
        CopySource: `${ctx.bucket}/${encodeURIComponent(key).replace(/%2F/g, "/")}?versionId=${encodeURIComponent(versionId)}`,
      }),
      sendOptions(ctx),
    );
    return { key, restoredVersionId: versionId, newVersionId: out.VersionId, size };
  } catch (err) {
    throw mapAwsError(err, { action: "RestoreVersion", ...where });
  }
}
