import { usageError } from "../../core/errors.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import { displayKey, quoteKey } from "../../core/text/printable.js";
import { optionalPositiveInt, optionalRole, roleOption } from "../args.js";
import { invocation } from "../context.js";
import { formatBytes, formatTime, table } from "../render.js";
import { catalogFor } from "./shared.js";
export async function ls(options, deps) {
    const config = await deps.config();
    const prefix = keyOfArgument(options.prefix, config.bucket);
    const { catalog } = await catalogFor(deps, options.role);
    const { listObjects } = await import("../../core/catalog/list.js");
    const objects = [];
    let truncated = false;
    for await (const entry of listObjects(catalog, prefix, options.pageSize)) {
        if (options.limit !== undefined && objects.length >= options.limit) {
            truncated = true;
            break;
        }
        objects.push(entry);
    }
    return {
        bucket: catalog.bucket,
        prefix,
        role: catalog.role,
        objects,
        count: objects.length,
        totalBytes: objects.reduce((sum, o) => sum + o.size, 0),
        truncated,
    };
}
export function renderLs(r) {
    if (r.objects.length === 0)
        return `no objects under ${quoteKey(r.prefix)}`;
    const rows = r.objects.map((o) => [
        formatBytes(o.size),
        formatTime(o.lastModified),
        displayKey(o.key),
    ]);
    const summary = `${r.count} object(s), ${formatBytes(r.totalBytes)}${r.truncated ? " (more not shown: --limit)" : ""}`;
    return `${table(rows, [0])}\n${summary}`;
}
export function register(program, ctx) {
    program
        .command("ls")
        .description("list objects (all pages) under PREFIX")
        .argument("[prefix]", "key prefix", "")
        .option("--limit <n>", "stop after N objects")
        .option("--page-size <n>", "keys per list request (default and maximum 1000)")
        .addOption(roleOption())
        .action((prefix, raw, cmd) => {
        const pageSize = optionalPositiveInt(raw.pageSize, "page-size");
        if (pageSize !== undefined && pageSize > 1000) {
            throw usageError("--page-size may be at most 1000 (S3's maximum)");
        }
        const options = {
            prefix,
            limit: optionalPositiveInt(raw.limit, "limit"),
            pageSize,
            role: optionalRole(raw.role),
        };
        return ctx.run(cmd, invocation("ls", options, ls, renderLs));
    });
}
