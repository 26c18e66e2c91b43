import { statSync } from "node:fs";
import { usageError } from "../../core/errors.js";
import { isS3Uri, keyOfArgument } from "../../core/s3-uri.js";
import { displayKey } from "../../core/text/printable.js";
import { DEFAULT_CONCURRENCY, DEFAULT_FILES_IN_FLIGHT, parseByteSize, } from "../../core/transfer/part-plan.js";
import { fileSelector } from "../../core/transfer/select.js";
import { withTransfer } from "../../core/transfer-run.js";
import { collectRule, dryRunOption, optionalPositiveInt, optionalRole, roleOption, } from "../args.js";
import { invocation } from "../context.js";
import { createProgress } from "../progress.js";
import { formatBytes } from "../render.js";
import { transferSetup } from "./shared.js";
export async function upload(options, deps) {
    const config = await deps.config();
    const target = destinationOf(options, config.bucket);
    const progress = createProgress(deps);
    const note = (message) => deps.log.info(message);
    // The transfer modules (and the XML reader they use) load only when a command runs.
    const { BatchUploadError, expandPaths, uploadPaths } = await import("../../core/transfer/upload-many.js");
    const select = fileSelector(options.select);
    let excluded = 0;
    const jobs = await expandPaths(options.paths, target.key, target.prefix ?? "", note, (p) => {
        const keep = select(p);
        if (!keep)
            excluded++;
        return keep;
    });
    const session = await deps.session(options.role, "upload");
    const { partitionUnchanged } = await import("../../core/transfer/unchanged.js");
    // Synchronous: a stat takes microseconds, less than a thread-pool hand-off.
    const sized = jobs.map((job) => ({ ...job, size: statSync(job.path).size }));
    let unchanged = [];
    const setup = transferSetup(deps, config, session, progress, {
        concurrency: options.concurrency,
        files: options.files,
    });
    try {
        return await withTransfer(setup, async (run) => {
            const split = await partitionUnchanged(run.deps, run.bucket, sized);
            if (split.unreadable !== undefined && jobs.length > 0)
                deps.log.info(`role ${session.role} may not read the bucket, so unchanged files cannot be recognised: every file is sent`);
            unchanged = split.unchanged;
            if (unchanged.length > 0)
                deps.log.info(`${unchanged.length} of ${jobs.length} file${jobs.length === 1 ? "" : "s"} unchanged (same size and SHA-256 as in S3): skipped`);
            const send = split.send;
            if (excluded > 0)
                deps.log.info(`${excluded} file${excluded === 1 ? "" : "s"} excluded`);
            if (options.dryRun) {
                return { files: [], planned: send.map(planned), unchanged, excluded, dryRun: true };
            }
            progress.plan(send.length, send.reduce((sum, j) => sum + j.size, 0));
            const partSize = options.partSize ?? run.partSize;
            const results = send.length === 0
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
    }
    catch (error) {
        if (error instanceof BatchUploadError)
            error.partial = {
                files: error.uploaded.map(toJson),
                planned: [],
                unchanged,
                excluded,
                dryRun: false,
            };
        throw error;
    }
    finally {
        progress.stop();
    }
}
const planned = (j) => ({ path: j.path, key: j.key, size: j.size });
/**
 * --key / --prefix, or an `s3://BUCKET/…` last argument as `aws s3 cp` takes it:
 * ending in "/" it is a prefix, else the key of a single file.
 */
function destinationOf(options, bucket) {
    if (options.key !== undefined)
        return { key: keyOfArgument(options.key, bucket) };
    if (options.prefix !== undefined)
        return { prefix: keyOfArgument(options.prefix, bucket) };
    return {};
}
const toJson = (r) => ({
    key: r.key,
    versionId: r.versionId,
    size: r.size,
    checksum: r.checksum,
    seconds: Math.round(r.seconds * 1000) / 1000,
});
export function renderUpload(result) {
    const lines = [
        ...result.planned.map((f) => `would upload ${f.path} → ${f.key} (${formatBytes(f.size)})`),
        ...result.files.map((f) => `uploaded ${displayKey(f.key)} (${formatBytes(f.size)} in ${f.seconds.toFixed(1)} s, ${rate(f.size, f.seconds)})` +
            `${f.versionId ? ` version ${f.versionId}` : ""} sha256 ${f.checksum}`),
    ];
    const counts = [
        result.unchanged.length > 0 ? `${result.unchanged.length} unchanged (skipped)` : "",
        result.excluded > 0 ? `${result.excluded} excluded` : "",
    ].filter(Boolean);
    const sent = result.dryRun ? result.planned.length : result.files.length;
    if (counts.length > 0 || sent === 0)
        lines.push(`${sent} file${sent === 1 ? "" : "s"} ${result.dryRun ? "would be uploaded" : "uploaded"}${counts.length > 0 ? `, ${counts.join(", ")}` : ""}`);
    return lines.join("\n");
}
export function register(program, ctx) {
    const rules = [];
    program
        .command("upload")
        .description("upload files or folders (recursively) through pre-signed URLs; unchanged files are skipped")
        .argument("<path...>", "files or folders; a last s3://BUCKET/KEY (or …/PREFIX/) is the destination")
        .option("--key <key>", "object key (a single file only)")
        .option("--prefix <prefix>", "key prefix: files go to prefix+name, folders to prefix+relative path")
        .option("--exclude <glob>", "leave out files in folders matching this gitignore-style glob (repeatable)", collectRule("exclude", rules))
        .option("--include <glob>", "take files matching this glob back in (repeatable; the later rule wins)", collectRule("include", rules))
        .option("--part-size <size>", "multipart part size, e.g. 16MiB (min 5MiB)")
        .option("--concurrency <n>", `requests in flight (default ${DEFAULT_CONCURRENCY})`)
        .option("--files <n>", `files in flight for folders (default ${DEFAULT_FILES_IN_FLIGHT})`)
        .option("--resume", "continue an interrupted upload (and keep its state if interrupted again)")
        .addOption(dryRunOption())
        .addOption(roleOption())
        .action((args, raw, cmd) => {
        let paths = args;
        let { key, prefix } = raw;
        const last = args.at(-1);
        if (last !== undefined && isS3Uri(last)) {
            if (key !== undefined || prefix !== undefined)
                throw usageError("give the destination once: an s3:// argument, --key or --prefix");
            paths = args.slice(0, -1);
            if (paths.length === 0)
                throw usageError("nothing to upload: give a PATH before the s3:// destination");
            if (last.endsWith("/") || /^s3:\/\/[^/]*$/i.test(last))
                prefix = last;
            else
                key = last;
        }
        if (key !== undefined && prefix !== undefined)
            throw usageError("use --key or --prefix, not both");
        const options = {
            paths,
            key,
            prefix,
            partSize: raw.partSize === undefined ? undefined : parseByteSize(raw.partSize),
            concurrency: optionalPositiveInt(raw.concurrency, "concurrency"),
            files: optionalPositiveInt(raw.files, "files"),
            resume: raw.resume === true,
            role: optionalRole(raw.role),
            select: [...rules],
            dryRun: raw.dryRun === true,
        };
        return ctx.run(cmd, invocation("upload", options, upload, renderUpload));
    });
}
const rate = (bytes, seconds) => `${formatBytes(Math.round(bytes / Math.max(seconds, 0.001)))}/s`;
