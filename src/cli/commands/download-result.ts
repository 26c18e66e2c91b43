import { displayKey } from "../../core/text/printable.js";
import type { DownloadResult } from "../../core/transfer/download.js";
import type { CommandDeps } from "../context.js";
import type { TransferFlags } from "../transfer-options.js";
import type { PlannedFile } from "./upload.js";

/**
 * `files`: files in flight for a prefix (default: config, else
 * DEFAULT_FILES_IN_FLIGHT); `select`: names below a prefix (a prefix only).
 */
export interface DownloadCommandOptions extends TransferFlags {
  key: string;
  /** A file, a folder (ends in / or is one: the key's base name goes in it), or "-" for stdout. */
  out: string | undefined;
  versionId: string | undefined;
  /** Fail when S3 holds no checksum the bytes can be compared with. */
  requireChecksum?: boolean;
}

export interface DownloadedFile {
  key: string;
  versionId: string | null;
  /** The file written, or "-" for stdout. */
  path: string;
  size: number;
  checksum: string | null;
  /** How the bytes were checked against S3: sha256, composite-sha256, md5, composite-md5, or none. */
  verified: DownloadResult["verified"];
  resumed: boolean;
  seconds: number;
}

/**
 * `download --json`: always this shape. `files`: downloaded; `planned`: what
 * --dry-run would fetch; `unchanged`: the local file already has the same size
 * and SHA-256 as the object, not fetched.
 */
export interface DownloadCommandResult {
  files: DownloadedFile[];
  planned: PlannedFile[];
  unchanged: PlannedFile[];
  dryRun: boolean;
}

export function warnUnverified(deps: CommandDeps, r: DownloadResult): void {
  if (r.verified === "none")
    deps.log.warn(
      `S3 holds no checksum for ${displayKey(r.key)} that can be compared (SSE-KMS ETag): size checked only (--require-checksum makes this a failure).`,
    );
}

export const toJson = (r: DownloadResult, path: string = r.path): DownloadedFile => ({
  key: r.key,
  versionId: r.versionId,
  path,
  size: r.size,
  checksum: r.checksum,
  verified: r.verified,
  resumed: r.resumed,
  seconds: Math.round(r.seconds * 1000) / 1000,
});
