import type { Command } from "commander";
import { usageError } from "../../core/errors.js";
import { createPresigner } from "../../core/presign.js";
import type { Role } from "../../core/roles.js";
import { displayKey } from "../../core/text/printable.js";
import { type DownloadResult, downloadObject } from "../../core/transfer/download.js";
import { BatchDownloadError, downloadPrefix } from "../../core/transfer/download-many.js";
import { DEFAULT_CONCURRENCY, DEFAULT_FILES_IN_FLIGHT } from "../../core/transfer/part-plan.js";
import { createHttpTransport } from "../../core/transfer/transport.js";
import { parsePositiveInt, parseRole, roleOption } from "../args.js";
import type { CommandContext, CommandDeps } from "../context.js";
import { formatBytes } from "../render.js";
import { closeQuietly, createProgress } from "./upload.js";

export interface DownloadCommandOptions {
  key: string;
  out: string | undefined;
  versionId: string | undefined;
  concurrency: number | undefined;
  /** Files in flight for a prefix (default: config, else DEFAULT_FILES_IN_FLIGHT). */
  files: number | undefined;
  role: Role | undefined;
  /** Fail when S3 holds no checksum the bytes can be compared with. */
  requireChecksum?: boolean;
}

export interface DownloadedFile {
  key: string;
  versionId: string | null;
  path: string;
  size: number;
  checksum: string | null;
  /** How the bytes were checked against S3: sha256, composite-sha256, md5, composite-md5, or none. */
  verified: DownloadResult["verified"];
  resumed: boolean;
  seconds: number;
}

/** A key ending in "/" (or "") is a prefix: every object under it, the tree below it kept. */
export const isPrefix = (key: string) => key === "" || key.endsWith("/");

/** One object for a key, an array for a prefix. */
export async function download(
  options: DownloadCommandOptions,
  deps: CommandDeps,
): Promise<DownloadedFile | DownloadedFile[]> {
  const prefix = isPrefix(options.key);
  if (prefix && options.versionId !== undefined)
    throw usageError("--version-id names one object's version: give a key, not a prefix");
  const config = await deps.config();
  const session = await deps.session(options.role);
  const concurrency = options.concurrency ?? config.transfer?.concurrency ?? DEFAULT_CONCURRENCY;
  const files = prefix ? (options.files ?? config.transfer?.files ?? DEFAULT_FILES_IN_FLIGHT) : 1;
  const transport = createHttpTransport({ connections: Math.max(concurrency, files) + 2 });
  const progress = createProgress(deps);
  const transferDeps = {
    presigner: createPresigner({ config, credentials: session.credentials, now: deps.now }),
    role: session.role,
    transport,
    signal: deps.signal,
    sessionExpiresAt: session.credentials.expiration,
    onEvent: progress.onEvent,
  };
  const unverified = (r: DownloadResult) => {
    if (r.verified === "none")
      deps.log.warn(
        `S3 holds no checksum for ${displayKey(r.key)} that can be compared (SSE-KMS ETag): size checked only (--require-checksum makes this a failure).`,
      );
  };
  try {
    if (prefix) {
      const results = await downloadPrefix(transferDeps, {
        bucket: config.bucket,
        prefix: options.key,
        concurrency,
        files,
        ...(options.out !== undefined ? { out: options.out } : {}),
        ...(options.requireChecksum ? { requireChecksum: true } : {}),
      });
      results.forEach(unverified);
      return results.map(toJson);
    }
    const r = await downloadObject(transferDeps, {
      bucket: config.bucket,
      key: options.key,
      concurrency,
      ...(options.out !== undefined ? { out: options.out } : {}),
      ...(options.versionId !== undefined ? { versionId: options.versionId } : {}),
      ...(options.requireChecksum ? { requireChecksum: true } : {}),
    });
    unverified(r);
    return toJson(r);
  } catch (error) {
    if (error instanceof BatchDownloadError) error.partial = error.downloaded.map(toJson);
    throw error;
  } finally {
    progress.stop();
    await closeQuietly(transport);
  }
}

const toJson = (r: DownloadResult): DownloadedFile => ({
  key: r.key,
  versionId: r.versionId,
  path: r.path,
  size: r.size,
  checksum: r.checksum,
  verified: r.verified,
  resumed: r.resumed,
  seconds: Math.round(r.seconds * 1000) / 1000,
});

export const renderDownload = (result: DownloadedFile | DownloadedFile[]): string =>
  (Array.isArray(result) ? result : [result])
    .map(
      (f) =>
        `downloaded ${displayKey(f.key)} → ${f.path} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s` +
        `${f.resumed ? ", resumed" : ""}; verified: ${f.verified})`,
    )
    .join("\n");

export function registerDownload(program: Command, ctx: CommandContext): void {
  program
    .command("download")
    .description(
      "download an object, or every object under a PREFIX/ (the tree below it kept), through pre-signed URLs (verified, resumable)",
    )
    .argument("<key>", "object key, or a prefix ending in /")
    .option(
      "--out <path>",
      "a file, or a folder if it ends in / or is one (default: current folder); a prefix needs a folder",
    )
    .option("--version-id <id>", "a specific version")
    .option("--concurrency <n>", `ranged requests in flight (default ${DEFAULT_CONCURRENCY})`)
    .option("--files <n>", `files in flight for a prefix (default ${DEFAULT_FILES_IN_FLIGHT})`)
    .option("--require-checksum", "fail when S3 holds no checksum the bytes can be compared with")
    .addOption(roleOption())
    .action(
      (
        key: string,
        raw: {
          out?: string;
          versionId?: string;
          concurrency?: string;
          files?: string;
          role?: string;
          requireChecksum?: boolean;
        },
        cmd: Command,
      ) => {
        const options: DownloadCommandOptions = {
          key,
          out: raw.out,
          versionId: raw.versionId,
          concurrency:
            raw.concurrency === undefined
              ? undefined
              : parsePositiveInt(raw.concurrency, "concurrency"),
          files: raw.files === undefined ? undefined : parsePositiveInt(raw.files, "files"),
          role: raw.role === undefined ? undefined : parseRole(raw.role),
          ...(raw.requireChecksum === true ? { requireChecksum: true } : {}),
        };
        return ctx.run(cmd, {
          command: "download",
          options,
          execute: (d) => download(options, d),
          render: renderDownload,
        });
      },
    );
}
