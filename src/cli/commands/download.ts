import type { Command } from "commander";
import { createPresigner } from "../../core/presign.js";
import type { Role } from "../../core/roles.js";
import { displayKey } from "../../core/text/printable.js";
import { type DownloadResult, downloadObject } from "../../core/transfer/download.js";
import { DEFAULT_CONCURRENCY } from "../../core/transfer/part-plan.js";
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
  role: Role | undefined;
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

export async function download(
  options: DownloadCommandOptions,
  deps: CommandDeps,
): Promise<DownloadedFile> {
  const config = await deps.config();
  const session = await deps.session(options.role);
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const transport = createHttpTransport({ connections: concurrency + 2 });
  const progress = createProgress(deps);
  try {
    const r = await downloadObject(
      {
        presigner: createPresigner({ config, credentials: session.credentials, now: deps.now }),
        role: session.role,
        transport,
        signal: deps.signal,
        sessionExpiresAt: session.credentials.expiration,
        onEvent: progress.onEvent,
      },
      {
        bucket: config.bucket,
        key: options.key,
        concurrency,
        ...(options.out !== undefined ? { out: options.out } : {}),
        ...(options.versionId !== undefined ? { versionId: options.versionId } : {}),
      },
    );
    if (r.verified === "none") {
      deps.log.warn(
        `S3 holds no checksum for ${displayKey(r.key)} that can be compared (SSE-KMS ETag): size checked only.`,
      );
    }
    return {
      key: r.key,
      versionId: r.versionId,
      path: r.path,
      size: r.size,
      checksum: r.checksum,
      verified: r.verified,
      resumed: r.resumed,
      seconds: Math.round(r.seconds * 1000) / 1000,
    };
  } finally {
    progress.stop();
    await closeQuietly(transport);
  }
}

export const renderDownload = (f: DownloadedFile): string =>
  `downloaded ${displayKey(f.key)} → ${f.path} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s` +
  `${f.resumed ? ", resumed" : ""}; verified: ${f.verified})`;

export function registerDownload(program: Command, ctx: CommandContext): void {
  program
    .command("download")
    .description("download an object through pre-signed URLs (verified, resumable)")
    .argument("<key>", "object key")
    .option(
      "--out <path>",
      "a file, or a folder if it ends in / or is one (default: current folder)",
    )
    .option("--version-id <id>", "a specific version")
    .option("--concurrency <n>", `ranged requests in flight (default ${DEFAULT_CONCURRENCY})`)
    .addOption(roleOption())
    .action(
      (
        key: string,
        raw: { out?: string; versionId?: string; concurrency?: string; role?: string },
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
