import { statSync } from "node:fs";
import type { Command } from "commander";
import { usageError } from "../../core/errors.js";
import { isS3Uri, keyOfArgument } from "../../core/s3-uri.js";
import { displayKey } from "../../core/text/printable.js";
import { DEFAULT_UPLOAD_CONCURRENCY, parseByteSize } from "../../core/transfer/part-plan.js";
import { fileSelector, type SelectRule } from "../../core/transfer/select.js";
import type { UploadResult } from "../../core/transfer/upload.js";
import type { UploadJob } from "../../core/transfer/upload-many.js";
import { withTransfer } from "../../core/transfer-run.js";
import { dryRunOption, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { createProgress } from "../progress.js";
import { formatBytes } from "../render.js";
import {
  addInFlightOptions,
  addSelectOptions,
  type RawTransferFlags,
  type TransferFlags,
  transferFlags,
} from "../transfer-options.js";
import { transferSetup } from "./shared.js";

/**
 * `files`: files in flight for folders (default: config, else
 * DEFAULT_FILES_IN_FLIGHT); `select`: gitignore-style globs on the files found
 * in folders.
 */
export interface UploadCommandOptions extends TransferFlags {
  paths: string[];
  key: string | undefined;
  prefix: string | undefined;
  partSize: number | undefined;
  resume: boolean;
}

/** One uploaded file as `--json` shows it (ARCHITECTURE §4 / issue 3). */
export interface UploadedFile {
  key: string;
  versionId: string | null;
  size: number;
  checksum: string;
  seconds: number;
}

/** A file not sent: the object holds the same bytes (or, with --dry-run, a file that would be sent). */
export interface PlannedFile {
  path: string;
  key: string;
  size: number;
}

/**
 * `upload --json`: always this shape, whatever the number of files.
 * `files`: uploaded (empty with --dry-run); `planned`: what --dry-run would send;
 * `unchanged`: same size and SHA-256 as the current version, not sent;
 * `excluded`: files in folders left out by --exclude/--include.
 */
export interface UploadCommandResult {
  files: UploadedFile[];
  planned: PlannedFile[];
  unchanged: PlannedFile[];
  excluded: number;
  dryRun: boolean;
}

export async function upload(
  options: UploadCommandOptions,
  deps: CommandDeps,
): Promise<UploadCommandResult> {
  const config = await deps.config();
  const target = destinationOf(options, config.bucket);
  const progress = await createProgress(deps);
  const note = (message: string) => deps.log.info(message);
  // The transfer modules (and the XML reader they use) load only when a command runs.
  const { BatchUploadError, expandPaths, uploadPaths } = await import(
    "../../core/transfer/upload-many.js"
  );
  const select = fileSelector(options.select);
  let excluded = 0;
  const jobs = await expandPaths(options.paths, target.key, target.prefix ?? "", note, (p) => {
    const keep = select(p);
    if (!keep) excluded++;
    return keep;
  });
  const session = await deps.session(options.role, "upload");
  const { partitionUnchanged } = await import("../../core/transfer/unchanged.js");
  // Synchronous (bench/README.md, "Thread-pool hand-offs").
  const sized = jobs.map((job) => ({ ...job, size: statSync(job.path).size }));
  let unchanged: PlannedFile[] = [];
  const setup = transferSetup(deps, config, session, progress, {
    direction: "upload",
    concurrency: options.concurrency,
    files: options.files,
  });
  try {
    return await withTransfer(setup, async (run) => {
      const split = await partitionUnchanged(run.deps, run.bucket, sized);
      if (split.unreadable !== undefined && jobs.length > 0)
        deps.log.info(
          `role ${session.role} may not read the bucket, so unchanged files cannot be recognised: every file is sent`,
        );
      unchanged = split.unchanged;
      if (unchanged.length > 0)
        deps.log.info(
          `${unchanged.length} of ${jobs.length} file${jobs.length === 1 ? "" : "s"} unchanged (same size and SHA-256 as in S3): skipped`,
        );
      const send: Array<UploadJob & { size: number }> = split.send;
      if (excluded > 0) deps.log.info(`${excluded} file${excluded === 1 ? "" : "s"} excluded`);
      if (options.dryRun) {
        return { files: [], planned: send.map(planned), unchanged, excluded, dryRun: true };
      }
      progress.plan(
        send.length,
        send.reduce((sum, j) => sum + j.size, 0),
      );
      const partSize = options.partSize ?? run.partSize;
      const results =
        send.length === 0
          ? []
          : await uploadPaths(run.deps, {
              paths: options.paths,
              jobs: send.map(({ path, key }) => ({ path, key })),
              bucket: run.bucket,
              ...(partSize !== undefined ? { partSize } : {}),
              concurrency: run.concurrency,
              files: run.files,
              resume: options.resume,
              createOnly: run.createOnly,
            });
      return { files: results.map(toJson), planned: [], unchanged, excluded, dryRun: false };
    });
  } catch (error) {
    if (error instanceof BatchUploadError)
      error.partial = {
        files: error.uploaded.map(toJson),
        planned: [],
        unchanged,
        excluded,
        dryRun: false,
      } satisfies UploadCommandResult;
    throw error;
  } finally {
    progress.stop();
  }
}

const planned = (j: PlannedFile): PlannedFile => ({ path: j.path, key: j.key, size: j.size });

/**
 * --key / --prefix, or an `s3://BUCKET/…` last argument as `aws s3 cp` takes it:
 * ending in "/" it is a prefix, else the key of a single file.
 */
function destinationOf(
  options: UploadCommandOptions,
  bucket: string,
): { key?: string; prefix?: string } {
  if (options.key !== undefined) return { key: keyOfArgument(options.key, bucket) };
  if (options.prefix !== undefined) return { prefix: keyOfArgument(options.prefix, bucket) };
  return {};
}

const toJson = (r: UploadResult): UploadedFile => ({
  key: r.key,
  versionId: r.versionId,
  size: r.size,
  checksum: r.checksum,
  seconds: Math.round(r.seconds * 1000) / 1000,
});

/**
 * A multipart upload's checksum is S3's composite one, `<base64>-<parts>` (the SHA-256 of
 * the parts' SHA-256s): said so, lest it be read as the file's own SHA-256.
 */
function checksumText(checksum: string): string {
  const composite = /^(.+)-(\d+)$/.exec(checksum);
  if (composite === null) return `sha256 ${checksum}`;
  return `sha256 of ${composite[2]} part${composite[2] === "1" ? "" : "s"} ${composite[1]}`;
}

export function renderUpload(result: UploadCommandResult): string {
  const lines = [
    ...result.planned.map((f) => `would upload ${f.path} → ${f.key} (${formatBytes(f.size)})`),
    ...result.files.map(
      (f) =>
        `uploaded ${displayKey(f.key)} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s, ${rate(f.size, f.seconds)})` +
        `${f.versionId ? ` version ${f.versionId}` : ""} ${checksumText(f.checksum)}`,
    ),
  ];
  const counts = [
    result.unchanged.length > 0 ? `${result.unchanged.length} unchanged (skipped)` : "",
    result.excluded > 0 ? `${result.excluded} excluded` : "",
  ].filter(Boolean);
  const sent = result.dryRun ? result.planned.length : result.files.length;
  if (counts.length > 0 || sent === 0)
    lines.push(
      `${sent} file${sent === 1 ? "" : "s"} ${result.dryRun ? "would be uploaded" : "uploaded"}${counts.length > 0 ? `, ${counts.join(", ")}` : ""}`,
    );
  return lines.join("\n");
}

export function register(program: Command, ctx: CommandContext): void {
  const rules: SelectRule[] = [];
  const cmd = program
    .command("upload")
    .description(
      "upload files or folders (recursively) through pre-signed URLs; unchanged files are skipped",
    )
    .addHelpText(
      "after",
      examples(
        "strongbox upload report.pdf --role uploader",
        "strongbox upload photos/ s3://BUCKET/2026/ --exclude '*.tmp' --dry-run",
        "strongbox upload site/ --prefix site/ --exclude '*' --include '*/' --include '*.html'",
        "strongbox upload big.iso --key isos/big.iso --part-size 64MiB --resume   # continue after Ctrl-C",
      ),
    )
    .argument(
      "<path...>",
      "files or folders; a last s3://BUCKET/KEY (or …/PREFIX/) is the destination",
    )
    .option("--key <key>", "object key (a single file only)")
    .option(
      "--prefix <prefix>",
      "key prefix: files go to prefix+name, folders to prefix+relative path",
    );
  addSelectOptions(cmd, rules, {
    exclude: "leave out files in folders matching this gitignore-style glob (repeatable)",
    include: "take files matching this glob back in (repeatable; the later rule wins)",
  }).option(
    "--part-size <size>",
    "multipart part size, e.g. 16MiB (min 5MiB; default ~64 parts of 16 to 64 MiB)",
  );
  addInFlightOptions(cmd, {
    requests: "requests",
    concurrency: DEFAULT_UPLOAD_CONCURRENCY,
    filesFor: "folders",
  })
    .option("--resume", "continue an interrupted upload (and keep its state if interrupted again)")
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (
        args: string[],
        raw: RawTransferFlags & {
          key?: string;
          prefix?: string;
          partSize?: string;
          resume?: boolean;
        },
        cmd: Command,
      ) => {
        let paths = args;
        let { key, prefix } = raw;
        const last = args.at(-1);
        if (last !== undefined && isS3Uri(last)) {
          if (key !== undefined || prefix !== undefined)
            throw usageError("give the destination once: an s3:// argument, --key or --prefix");
          paths = args.slice(0, -1);
          if (paths.length === 0)
            throw usageError("nothing to upload: give a PATH before the s3:// destination");
          if (last.endsWith("/") || /^s3:\/\/[^/]*$/i.test(last)) prefix = last;
          else key = last;
        }
        if (key !== undefined && prefix !== undefined)
          throw usageError("use --key or --prefix, not both");
        const options: UploadCommandOptions = {
          paths,
          key,
          prefix,
          partSize: raw.partSize === undefined ? undefined : parseByteSize(raw.partSize),
          resume: raw.resume === true,
          ...transferFlags(raw, rules),
        };
        return ctx.run(cmd, invocation("upload", options, upload, renderUpload));
      },
    );
}

const rate = (bytes: number, seconds: number) =>
  `${formatBytes(Math.round(bytes / Math.max(seconds, 0.001)))}/s`;
