import { join, resolve } from "node:path";
import { resolveKeyPath } from "../../core/transfer/safe-path.js";
import type { TransferRun } from "../../core/transfer-run.js";
import type { CommandDeps } from "../context.js";
import {
  type DownloadCommandOptions,
  type DownloadCommandResult,
  toJson,
  warnUnverified,
} from "./download-result.js";

/**
 * `download PREFIX/ --out DIR/`: every object under the prefix (minus what
 * --exclude / --include leave out, matched on the name below the prefix as
 * upload matches files below a folder), the tree below it rebuilt in DIR. A
 * local file with the object's size and SHA-256 is left alone (`unchanged`);
 * --dry-run lists what would be fetched.
 */
export async function downloadUnder(
  prefix: string,
  options: DownloadCommandOptions,
  deps: CommandDeps,
  run: TransferRun,
  select: (name: string) => boolean,
): Promise<DownloadCommandResult> {
  const { BatchDownloadError, downloadPrefix, isFolderMarker, listPrefix } = await import(
    "../../core/transfer/download-many.js"
  );
  const { partitionUnchanged } = await import("../../core/transfer/unchanged.js");
  const listed = await listPrefix(run.deps, run.bucket, prefix);
  const objects = listed.filter(
    (o) => isFolderMarker(o, prefix) || select(o.key.slice(prefix.length)),
  );
  const excluded = listed.length - objects.length;
  if (excluded > 0) deps.log.info(`${excluded} object${excluded === 1 ? "" : "s"} excluded`);
  const root = resolve(process.cwd(), options.out ?? ".");
  // Only names that are safe paths are compared; downloadObject refuses the others itself.
  const jobs = objects.flatMap((o) => {
    if (isFolderMarker(o, prefix)) return [];
    const where = resolveKeyPath(root, o.key.slice(prefix.length));
    return where.ok ? [{ path: where.path, key: o.key, size: o.size }] : [];
  });
  const sizes = new Map(objects.map((o) => [o.key, o.size]));
  const split = await partitionUnchanged(run.deps, run.bucket, jobs, {
    concurrency: run.files,
    listed: sizes,
  });
  const unchanged = split.unchanged;
  if (unchanged.length > 0)
    deps.log.info(
      `${unchanged.length} of ${jobs.length} object${jobs.length === 1 ? "" : "s"} unchanged (same size and SHA-256 as the local file): skipped`,
    );
  const skip = new Set(unchanged.map((u) => u.key));
  const fetch = objects.filter((o) => !skip.has(o.key));
  const result: DownloadCommandResult = { files: [], planned: [], unchanged, dryRun: false };
  if (options.dryRun) {
    const planned = fetch
      .filter((o) => !isFolderMarker(o, prefix))
      .map((o) => ({ path: join(root, o.key.slice(prefix.length)), key: o.key, size: o.size }));
    return { ...result, planned, dryRun: true };
  }
  try {
    const results = await downloadPrefix(run.deps, {
      bucket: run.bucket,
      prefix,
      objects: fetch,
      concurrency: run.concurrency,
      files: run.files,
      ...(options.out !== undefined ? { out: options.out } : {}),
      ...(options.requireChecksum ? { requireChecksum: true } : {}),
    });
    for (const r of results) warnUnverified(deps, r);
    return { ...result, files: results.map((r) => toJson(r)) };
  } catch (error) {
    if (error instanceof BatchDownloadError)
      error.partial = {
        ...result,
        files: error.downloaded.map((r) => toJson(r)),
      } satisfies DownloadCommandResult;
    throw error;
  }
}
