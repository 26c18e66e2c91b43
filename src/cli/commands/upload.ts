import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { usageError } from "../../core/errors.js";
import { createPresigner } from "../../core/presign.js";
import type { Role } from "../../core/roles.js";
import { displayKey } from "../../core/text/printable.js";
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_FILES_IN_FLIGHT,
  parseByteSize,
} from "../../core/transfer/part-plan.js";
import { createFileStateStore } from "../../core/transfer/state-store.js";
import { createHttpTransport, type Transport } from "../../core/transfer/transport.js";
import type { TransferEvent, UploadResult } from "../../core/transfer/upload.js";
import { BatchUploadError, uploadPaths } from "../../core/transfer/upload-many.js";
import { parsePositiveInt, parseRole, roleOption } from "../args.js";
import type { CommandContext, CommandDeps } from "../context.js";
import { formatBytes } from "../render.js";

export interface UploadCommandOptions {
  paths: string[];
  key: string | undefined;
  prefix: string | undefined;
  partSize: number | undefined;
  concurrency: number | undefined;
  /** Files in flight for folders (default: config, else DEFAULT_FILES_IN_FLIGHT). */
  files: number | undefined;
  resume: boolean;
  role: Role | undefined;
}

/** One uploaded file as `--json` shows it (ARCHITECTURE §4 / issue 3). */
export interface UploadedFile {
  key: string;
  versionId: string | null;
  size: number;
  checksum: string;
  seconds: number;
}

/** One object for a single file, an array for several. */
export type UploadCommandResult = UploadedFile | UploadedFile[];

export async function upload(
  options: UploadCommandOptions,
  deps: CommandDeps,
): Promise<UploadCommandResult> {
  const config = await deps.config();
  const session = await deps.session(options.role);
  const concurrency = options.concurrency ?? config.transfer?.concurrency ?? DEFAULT_CONCURRENCY;
  const filesInFlight = options.files ?? config.transfer?.files ?? DEFAULT_FILES_IN_FLIGHT;
  const partSize = options.partSize ?? config.transfer?.partSize;
  const transport = createHttpTransport({ connections: Math.max(concurrency, filesInFlight) + 2 });
  const progress = createProgress(deps);
  const first = options.paths[0];
  const singleFile = options.paths.length === 1 && first !== undefined && (await isFile(first));
  try {
    const results = await uploadPaths(
      {
        presigner: createPresigner({ config, credentials: session.credentials, now: deps.now }),
        role: session.role,
        transport,
        stateStore: createFileStateStore(join(dirname(deps.globals.configPath), "transfers")),
        signal: deps.signal,
        sessionExpiresAt: session.credentials.expiration,
        onEvent: progress.onEvent,
      },
      {
        paths: options.paths,
        bucket: config.bucket,
        ...(options.key !== undefined ? { key: options.key } : {}),
        ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
        ...(partSize !== undefined ? { partSize } : {}),
        concurrency,
        files: filesInFlight,
        resume: options.resume,
        // The Uploader only creates keys (If-None-Match: *) unless the deployment lets it replace them.
        createOnly: session.role === "uploader" && config.uploaderCanOverwrite !== true,
      },
    );
    const files = results.map(toJson);
    return singleFile && files.length === 1 ? (files[0] as UploadedFile) : files;
  } catch (error) {
    if (error instanceof BatchUploadError) error.partial = error.uploaded.map(toJson);
    throw error;
  } finally {
    progress.stop();
    await closeQuietly(transport);
  }
}

const toJson = (r: UploadResult): UploadedFile => ({
  key: r.key,
  versionId: r.versionId,
  size: r.size,
  checksum: r.checksum,
  seconds: Math.round(r.seconds * 1000) / 1000,
});

export function renderUpload(result: UploadCommandResult): string {
  const files = Array.isArray(result) ? result : [result];
  return files
    .map(
      (f) =>
        `uploaded ${displayKey(f.key)} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s, ${rate(f.size, f.seconds)})` +
        `${f.versionId ? ` version ${f.versionId}` : ""} sha256 ${f.checksum}`,
    )
    .join("\n");
}

export function registerUpload(program: Command, ctx: CommandContext): void {
  program
    .command("upload")
    .description("upload files or folders (recursively) through pre-signed URLs")
    .argument("<path...>", "files or folders")
    .option("--key <key>", "object key (a single file only)")
    .option(
      "--prefix <prefix>",
      "key prefix: files go to prefix+name, folders to prefix+relative path",
    )
    .option("--part-size <size>", "multipart part size, e.g. 16MiB (min 5MiB)")
    .option("--concurrency <n>", `requests in flight (default ${DEFAULT_CONCURRENCY})`)
    .option("--files <n>", `files in flight for folders (default ${DEFAULT_FILES_IN_FLIGHT})`)
    .option("--resume", "continue an interrupted upload (and keep its state if interrupted again)")
    .addOption(roleOption())
    .action(
      (
        paths: string[],
        raw: {
          key?: string;
          prefix?: string;
          partSize?: string;
          concurrency?: string;
          files?: string;
          resume?: boolean;
          role?: string;
        },
        cmd: Command,
      ) => {
        if (raw.key !== undefined && raw.prefix !== undefined)
          throw usageError("use --key or --prefix, not both");
        const options: UploadCommandOptions = {
          paths,
          key: raw.key,
          prefix: raw.prefix,
          partSize: raw.partSize === undefined ? undefined : parseByteSize(raw.partSize),
          concurrency:
            raw.concurrency === undefined
              ? undefined
              : parsePositiveInt(raw.concurrency, "concurrency"),
          files: raw.files === undefined ? undefined : parsePositiveInt(raw.files, "files"),
          resume: raw.resume === true,
          role: raw.role === undefined ? undefined : parseRole(raw.role),
        };
        return ctx.run(cmd, {
          command: "upload",
          options,
          execute: (d) => upload(options, d),
          render: renderUpload,
        });
      },
    );
}

/** A progress bar (bytes, rate, ETA) on stderr when it is a TTY; nothing otherwise. */
export function createProgress(deps: Pick<CommandDeps, "interactive" | "stderr" | "log" | "now">): {
  onEvent: (event: TransferEvent) => void;
  stop: () => void;
} {
  if (!deps.interactive) {
    return {
      onEvent: (e) => (e.type === "note" ? deps.log.info(e.message) : undefined),
      stop: () => {},
    };
  }
  const started = deps.now();
  let total = 0;
  let done = 0;
  let bar: cliProgress.SingleBar | undefined;
  const payload = () => {
    const seconds = Math.max(0.001, (deps.now() - started) / 1000);
    const speed = done / seconds;
    const eta = speed > 0 ? Math.max(0, (total - done) / speed) : 0;
    return {
      sizes: `${formatBytes(done)}/${formatBytes(total)}`,
      speed: `${formatBytes(Math.round(speed))}/s`,
      etaText: speed > 0 ? `${Math.ceil(eta)}s` : "-",
    };
  };
  return {
    onEvent(event) {
      if (event.type === "note") {
        deps.log.info(event.message);
        return;
      }
      if (event.type === "file-start") {
        total += event.size;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream: deps.stderr,
              format: "{bar} {percentage}% | {sizes} | {speed} | ETA {etaText}",
              hideCursor: true,
              clearOnComplete: false,
              barsize: 30,
              fps: 5,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(Math.max(total, 1), 0, payload());
        } else bar.setTotal(Math.max(total, 1));
        return;
      }
      if (event.type === "bytes") {
        done += event.delta;
        bar?.update(Math.max(0, done), payload());
      }
    },
    stop() {
      bar?.update(Math.max(0, done), payload());
      bar?.stop();
    },
  };
}

const rate = (bytes: number, seconds: number) =>
  `${formatBytes(Math.round(bytes / Math.max(seconds, 0.001)))}/s`;

export async function closeQuietly(transport: Transport): Promise<void> {
  await transport.close().catch(() => {});
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
