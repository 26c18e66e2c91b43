import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { usageError } from "../../core/errors.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import { displayKey } from "../../core/text/printable.js";
import { DEFAULT_CONCURRENCY, DEFAULT_FILES_IN_FLIGHT } from "../../core/transfer/part-plan.js";
import { fileSelector } from "../../core/transfer/select.js";
import { downloadTarget } from "../../core/transfer/target.js";
import { withTransfer } from "../../core/transfer-run.js";
import { collectRule, dryRunOption, optionalPositiveInt, optionalRole, roleOption, } from "../args.js";
import { invocation } from "../context.js";
import { createProgress } from "../progress.js";
import { formatBytes } from "../render.js";
import { downloadUnder } from "./download-prefix.js";
import { toJson, warnUnverified, } from "./download-result.js";
import { transferSetup } from "./shared.js";
/** A key ending in "/" (or "") is a prefix: every object under it, the tree below it kept. */
export const isPrefix = (key) => key === "" || key.endsWith("/");
export async function download(options, deps) {
    const config = await deps.config();
    const key = keyOfArgument(options.key, config.bucket);
    const prefix = isPrefix(key);
    if (prefix) {
        if (options.versionId !== undefined)
            throw usageError("--version-id names one object's version: give a key, not a prefix");
        if (options.out === "-")
            throw usageError("--out - takes one object: a prefix needs a folder (--out DIR/)");
    }
    else if (options.select.length > 0) {
        throw usageError("--exclude / --include choose objects under a prefix: give a PREFIX/");
    }
    const select = fileSelector(options.select);
    const target = prefix ? undefined : await downloadTarget(options.out, key, process.cwd());
    if (target?.kind === "stdout" && deps.globals.json)
        throw usageError("--out - and --json both want stdout", "drop one of them");
    const session = await deps.session(options.role);
    const progress = createProgress(deps);
    // The transfer modules (and the XML reader they use) load only when a command runs.
    const { downloadObject } = await import("../../core/transfer/download.js");
    const { compareWithObject, describeObject } = await import("../../core/transfer/unchanged.js");
    const setup = transferSetup(deps, config, session, progress, {
        concurrency: options.concurrency,
        files: prefix ? options.files : 1,
    });
    const versionId = options.versionId === undefined ? {} : { versionId: options.versionId };
    const strict = options.requireChecksum ? { requireChecksum: true } : {};
    const result = { files: [], planned: [], unchanged: [], dryRun: false };
    try {
        return await withTransfer(setup, async (run) => {
            if (target === undefined)
                return downloadUnder(key, options, deps, run, select);
            const path = target.kind === "file" ? target.path : "-";
            const object = { bucket: run.bucket, key, concurrency: run.concurrency, ...versionId };
            if (target.kind === "file" &&
                (await compareWithObject(run.deps, run.bucket, { path, key, ...versionId })) === "same") {
                const { size } = await describeObject(run.deps, run.bucket, key, options.versionId);
                deps.log.info(`${path} is unchanged (same size and SHA-256 as ${key}): not downloaded`);
                return { ...result, unchanged: [{ path, key, size }], dryRun: options.dryRun };
            }
            if (options.dryRun) {
                const { size } = await describeObject(run.deps, run.bucket, key, options.versionId);
                return { ...result, planned: [{ path, key, size }], dryRun: true };
            }
            if (target.kind === "stdout") {
                result.files.push(await toStdout(deps, key, (out) => downloadObject(run.deps, { ...object, out, ...strict })));
                return result;
            }
            const r = await downloadObject(run.deps, { ...object, out: target.path, ...strict });
            warnUnverified(deps, r);
            result.files.push(toJson(r, r.path));
            return result;
        });
    }
    finally {
        progress.stop();
    }
}
/**
 * `--out -`: the object is fetched and verified into a private temporary
 * file first, then copied to stdout, so a failed check writes nothing there
 * (and exits non-zero). The temporary file is removed either way.
 */
async function toStdout(deps, key, fetch) {
    const dir = await mkdtemp(join(tmpdir(), "strongbox-out-"));
    try {
        const r = await fetch(join(dir, "object"));
        warnUnverified(deps, r);
        await pipeline(createReadStream(r.path), deps.stdout, { end: false }).catch((error) => {
            // A reader that stopped early (`| head`) is not a failed download.
            if (error.code !== "EPIPE")
                throw error;
        });
        deps.log.info(`downloaded ${displayKey(key)} to stdout (${formatBytes(r.size)}; verified: ${r.verified})`);
        return toJson(r, "-");
    }
    finally {
        await rm(dir, { recursive: true, force: true });
    }
}
export const renderDownload = (r) => [
    ...r.planned.map((f) => `would download ${displayKey(f.key)} → ${f.path} (${formatBytes(f.size)})`),
    ...r.unchanged.map((f) => `unchanged: ${f.path} (same as ${displayKey(f.key)}; not downloaded)`),
    // Bytes on stdout are the result for `--out -`: nothing else may go there.
    ...r.files
        .filter((f) => f.path !== "-")
        .map((f) => `downloaded ${displayKey(f.key)} → ${f.path} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s` +
        `${f.resumed ? ", resumed" : ""}; verified: ${f.verified})`),
].join("\n");
export function register(program, ctx) {
    const rules = [];
    program
        .command("download")
        .description("download an object, or every object under a PREFIX/ (the tree below it kept), through pre-signed URLs (verified, resumable)")
        .argument("<key>", "object key, a PREFIX/ (every object under it), or s3://BUCKET/KEY")
        .option("--out <path>", "a file; a folder (ends in / or is one) gets the key's base name or a prefix's tree; - is stdout (default: current folder)")
        .option("--version-id <id>", "a specific version")
        .option("--exclude <glob>", "with a PREFIX/: leave out objects whose name below it matches this gitignore-style glob (repeatable)", collectRule("exclude", rules))
        .option("--include <glob>", "with a PREFIX/: take objects matching this glob back in (repeatable; the later rule wins)", collectRule("include", rules))
        .option("--concurrency <n>", `ranged requests in flight (default ${DEFAULT_CONCURRENCY})`)
        .option("--files <n>", `files in flight for a prefix (default ${DEFAULT_FILES_IN_FLIGHT})`)
        .option("--require-checksum", "fail when S3 holds no checksum the bytes can be compared with")
        .addOption(dryRunOption())
        .addOption(roleOption())
        .action((key, raw, cmd) => {
        const options = {
            key,
            out: raw.out,
            versionId: raw.versionId,
            concurrency: optionalPositiveInt(raw.concurrency, "concurrency"),
            files: optionalPositiveInt(raw.files, "files"),
            role: optionalRole(raw.role),
            select: [...rules],
            dryRun: raw.dryRun === true,
            ...(raw.requireChecksum === true ? { requireChecksum: true } : {}),
        };
        return ctx.run(cmd, invocation("download", options, download, renderDownload));
    });
}
