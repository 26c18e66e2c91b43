import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { usageError } from "../../core/errors.js";
import type { Role } from "../../core/roles.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import { displayKey } from "../../core/text/printable.js";
import type { DownloadResult } from "../../core/transfer/download.js";
import { DEFAULT_CONCURRENCY } from "../../core/transfer/part-plan.js";
import { downloadTarget } from "../../core/transfer/target.js";
import { createHttpTransport } from "../../core/transfer/transport.js";
import { dryRunOption, parsePositiveInt, parseRole, roleOption } from "../args.js";
import type { CommandContext, CommandDeps } from "../context.js";
import { createProgress } from "../progress.js";
import { formatBytes } from "../render.js";
import type { PlannedFile } from "./upload.js";
import { closeQuietly } from "./upload.js";

export interface DownloadCommandOptions {
  key: string;
  /** A file, a folder (ends in / or is one: the key's base name goes in it), or "-" for stdout. */
  out: string | undefined;
  versionId: string | undefined;
  concurrency: number | undefined;
  role: Role | undefined;
  dryRun: boolean;
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

export async function download(
  options: DownloadCommandOptions,
  deps: CommandDeps,
): Promise<DownloadCommandResult> {
  const config = await deps.config();
  const key = keyOfArgument(options.key, config.bucket);
  if (key === "" || key.endsWith("/"))
    throw usageError(`"${options.key}" is a prefix, not an object key`, "name one object");
  const target = await downloadTarget(options.out, key, process.cwd());
  if (target.kind === "stdout" && deps.globals.json)
    throw usageError("--out - and --json both want stdout", "drop one of them");
  const session = await deps.session(options.role);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const transport = createHttpTransport({ connections: concurrency + 2 });
  const progress = createProgress(deps);
  const { createPresigner } = await import("../../core/presign.js");
  const { downloadObject } = await import("../../core/transfer/download.js");
  const { compareWithObject, describeObject } = await import("../../core/transfer/unchanged.js");
  const transferDeps = {
    presigner: createPresigner({ config, credentials: session.credentials, now: deps.now }),
    role: session.role,
    transport,
    signal: deps.signal,
    sessionExpiresAt: session.credentials.expiration,
    onEvent: progress.onEvent,
  };
  const versionId = options.versionId === undefined ? {} : { versionId: options.versionId };
  const result: DownloadCommandResult = { files: [], planned: [], unchanged: [], dryRun: false };
  try {
    const path = target.kind === "file" ? target.path : "-";
    if (
      target.kind === "file" &&
      (await compareWithObject(transferDeps, config.bucket, { path, key, ...versionId })) === "same"
    ) {
      const { size } = await describeObject(transferDeps, config.bucket, key, options.versionId);
      deps.log.info(`${path} is unchanged (same size and SHA-256 as ${key}): not downloaded`);
      return { ...result, unchanged: [{ path, key, size }], dryRun: options.dryRun };
    }
    if (options.dryRun) {
      const { size } = await describeObject(transferDeps, config.bucket, key, options.versionId);
      return { ...result, planned: [{ path, key, size }], dryRun: true };
    }
    if (target.kind === "stdout") {
      result.files.push(
        await toStdout(deps, key, (out) =>
          downloadObject(transferDeps, {
            bucket: config.bucket,
            key,
            concurrency,
            out,
            ...versionId,
          }),
        ),
      );
      return result;
    }
    const r = await downloadObject(transferDeps, {
      bucket: config.bucket,
      key,
      concurrency,
      out: target.path,
      ...versionId,
    });
    warnUnverified(deps, r);
    result.files.push(toJson(r, r.path));
    return result;
  } finally {
    progress.stop();
    await closeQuietly(transport);
  }
}

/**
 * `--out -`: the object is fetched and verified into a private temporary
 * file first, then copied to stdout, so a failed check writes nothing there
 * (and exits non-zero). The temporary file is removed either way.
 */
async function toStdout(
  deps: CommandDeps,
  key: string,
  fetch: (out: string) => Promise<DownloadResult>,
): Promise<DownloadedFile> {
  const dir = await mkdtemp(join(tmpdir(), "strongbox-out-"));
  try {
    const r = await fetch(join(dir, "object"));
    warnUnverified(deps, r);
    await pipeline(createReadStream(r.path), deps.stdout, { end: false }).catch(
      (error: NodeJS.ErrnoException) => {
        // A reader that stopped early (`| head`) is not a failed download.
        if (error.code !== "EPIPE") throw error;
      },
    );
    deps.log.info(
      `downloaded ${displayKey(key)} to stdout (${formatBytes(r.size)}; verified: ${r.verified})`,
    );
    return toJson(r, "-");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function warnUnverified(deps: CommandDeps, r: DownloadResult): void {
  if (r.verified === "none")
    deps.log.warn(
      `S3 holds no checksum for ${displayKey(r.key)} that can be compared (SSE-KMS ETag): size checked only.`,
    );
}

const toJson = (r: DownloadResult, path: string): DownloadedFile => ({
  key: r.key,
  versionId: r.versionId,
  path,
  size: r.size,
  checksum: r.checksum,
  verified: r.verified,
  resumed: r.resumed,
  seconds: Math.round(r.seconds * 1000) / 1000,
});

export const renderDownload = (r: DownloadCommandResult): string =>
  [
    ...r.planned.map(
      (f) => `would download ${displayKey(f.key)} → ${f.path} (${formatBytes(f.size)})`,
    ),
    ...r.unchanged.map(
      (f) => `unchanged: ${f.path} (same as ${displayKey(f.key)}; not downloaded)`,
    ),
    // Bytes on stdout are the result for `--out -`: nothing else may go there.
    ...r.files
      .filter((f) => f.path !== "-")
      .map(
        (f) =>
          `downloaded ${displayKey(f.key)} → ${f.path} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s` +
          `${f.resumed ? ", resumed" : ""}; verified: ${f.verified})`,
      ),
  ].join("\n");

export function registerDownload(program: Command, ctx: CommandContext): void {
  program
    .command("download")
    .description("download an object through pre-signed URLs (verified, resumable)")
    .argument("<key>", "object key, or s3://BUCKET/KEY")
    .option(
      "--out <path>",
      "a file; a folder (ends in / or is one) gets the key's base name; - is stdout (default: current folder)",
    )
    .option("--version-id <id>", "a specific version")
    .option("--concurrency <n>", `ranged requests in flight (default ${DEFAULT_CONCURRENCY})`)
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (
        key: string,
        raw: {
          out?: string;
          versionId?: string;
          concurrency?: string;
          role?: string;
          dryRun?: boolean;
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
          role: raw.role === undefined ? undefined : parseRole(raw.role),
          dryRun: raw.dryRun === true,
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
