import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Command } from "commander";
import { usageError } from "../../core/errors.js";
import { displayKey } from "../../core/text/printable.js";
import type { DownloadResult } from "../../core/transfer/download.js";
import { DEFAULT_DOWNLOAD_CONCURRENCY } from "../../core/transfer/part-plan.js";
import { fileSelector, type SelectRule } from "../../core/transfer/select.js";
import { downloadTarget } from "../../core/transfer/target.js";
import { withTransfer } from "../../core/transfer-run.js";
import { dryRunOption, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { tuneHeapForOneObject } from "../heap.js";
import { examples } from "../help.js";
import { createProgress } from "../progress.js";
import { formatBytes } from "../render.js";
import {
  addInFlightOptions,
  addSelectOptions,
  type RawTransferFlags,
  transferFlags,
} from "../transfer-options.js";
import { downloadUnder } from "./download-prefix.js";
import {
  type DownloadCommandOptions,
  type DownloadCommandResult,
  type DownloadedFile,
  toJson,
  warnUnverified,
} from "./download-result.js";
import { keyArgument, transferSetup } from "./shared.js";

/** A key ending in "/" (or "") is a prefix: every object under it, the tree below it kept. */
export const isPrefix = (key: string) => key === "" || key.endsWith("/");

export async function download(
  options: DownloadCommandOptions,
  deps: CommandDeps,
): Promise<DownloadCommandResult> {
  const { config, key } = await keyArgument(deps, options.key);
  const prefix = isPrefix(key);
  if (prefix) {
    if (options.versionId !== undefined)
      throw usageError("--version-id names one object's version: give a key, not a prefix");
    if (options.out === "-")
      throw usageError("--out - takes one object: a prefix needs a folder (--out DIR/)");
  } else if (options.select.length > 0) {
    throw usageError("--exclude / --include choose objects under a prefix: give a PREFIX/");
  } else {
    tuneHeapForOneObject();
  }
  const select = fileSelector(options.select);
  const target = prefix ? undefined : await downloadTarget(options.out, key, process.cwd());
  if (target?.kind === "stdout" && deps.globals.json)
    throw usageError("--out - and --json both want stdout", "drop one of them");
  const session = await deps.session(options.role);
  const progress = await createProgress(deps);
  // The transfer modules (and the XML reader they use) load only when a command runs.
  const { downloadObject } = await import("../../core/transfer/download.js");
  const { compareWithObject, describeObject } = await import("../../core/transfer/unchanged.js");
  const setup = transferSetup(deps, config, session, progress, {
    direction: "download",
    concurrency: options.concurrency,
    files: prefix ? options.files : 1,
  });
  const versionId = options.versionId === undefined ? {} : { versionId: options.versionId };
  const strict = options.requireChecksum ? { requireChecksum: true } : {};
  const result: DownloadCommandResult = { files: [], planned: [], unchanged: [], dryRun: false };
  try {
    return await withTransfer(setup, async (run) => {
      if (target === undefined) return downloadUnder(key, options, deps, run, select);
      const path = target.kind === "file" ? target.path : "-";
      const object = { bucket: run.bucket, key, concurrency: run.concurrency, ...versionId };
      if (
        target.kind === "file" &&
        (await compareWithObject(run.deps, run.bucket, { path, key, ...versionId })) === "same"
      ) {
        const { size } = await describeObject(run.deps, run.bucket, key, options.versionId);
        deps.log.info(`${path} is unchanged (same size and SHA-256 as ${key}): not downloaded`);
        return { ...result, unchanged: [{ path, key, size }], dryRun: options.dryRun };
      }
      if (options.dryRun) {
        const { size } = await describeObject(run.deps, run.bucket, key, options.versionId);
        return { ...result, planned: [{ path, key, size }], dryRun: true };
      }
      if (target.kind === "stdout") {
        result.files.push(
          await toStdout(deps, key, (out) =>
            downloadObject(run.deps, { ...object, out, ...strict }),
          ),
        );
        return result;
      }
      const r = await downloadObject(run.deps, { ...object, out: target.path, ...strict });
      warnUnverified(deps, r);
      result.files.push(toJson(r, r.path));
      return result;
    });
  } finally {
    progress.stop();
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

export function register(program: Command, ctx: CommandContext): void {
  const rules: SelectRule[] = [];
  const cmd = program
    .command("download")
    .description(
      "download an object, or every object under a PREFIX/ (the tree below it kept), through pre-signed URLs (verified, resumable)",
    )
    .addHelpText(
      "after",
      examples(
        "strongbox download photos/sub/b.txt --out newdir/      # writes newdir/b.txt",
        "strongbox download s3://BUCKET/report.pdf --out - | less",
        "strongbox download big.iso --version-id V --dry-run",
        "strongbox download photos/2026/ --out ./photos/ --exclude '*.raw'   # a prefix: the tree below it",
      ),
    )
    .argument("<key>", "object key, a PREFIX/ (every object under it), or s3://BUCKET/KEY")
    .option(
      "--out <path>",
      "a file; a folder (ends in / or is one) gets the key's base name or a prefix's tree; - is stdout (default: current folder)",
    )
    .option("--version-id <id>", "a specific version");
  addSelectOptions(cmd, rules, {
    exclude:
      "with a PREFIX/: leave out objects whose name below it matches this gitignore-style glob (repeatable)",
    include:
      "with a PREFIX/: take objects matching this glob back in (repeatable; the later rule wins)",
  });
  addInFlightOptions(cmd, {
    requests: "ranged requests",
    concurrency: DEFAULT_DOWNLOAD_CONCURRENCY,
    filesFor: "a prefix",
  })
    .option("--require-checksum", "fail when S3 holds no checksum the bytes can be compared with")
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (
        key: string,
        raw: RawTransferFlags & { out?: string; versionId?: string; requireChecksum?: boolean },
        cmd: Command,
      ) => {
        const options: DownloadCommandOptions = {
          key,
          out: raw.out,
          versionId: raw.versionId,
          ...transferFlags(raw, rules),
          ...(raw.requireChecksum === true ? { requireChecksum: true } : {}),
        };
        return ctx.run(cmd, invocation("download", options, download, renderDownload));
      },
    );
}
