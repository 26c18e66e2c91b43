import type { Command } from "commander";
import type { ObjectEntry } from "../../core/catalog/list.js";
import { usageError } from "../../core/errors.js";
import type { Role } from "../../core/roles.js";
import { displayKey, quoteKey } from "../../core/text/printable.js";
import { optionalPositiveInt, optionalRole, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { formatBytes, formatTime, table } from "../render.js";
import { catalogFor, keyArgument } from "./shared.js";

export interface LsOptions {
  prefix: string;
  role: Role | undefined;
  limit: number | undefined;
  /** Keys per ListObjectsV2 request (S3's default and maximum: 1000). */
  pageSize: number | undefined;
}

export interface LsResult {
  bucket: string;
  prefix: string;
  role: Role;
  objects: ObjectEntry[];
  count: number;
  totalBytes: number;
  /** true when --limit stopped the listing early. */
  truncated: boolean;
}

export async function ls(options: LsOptions, deps: CommandDeps): Promise<LsResult> {
  const { key: prefix } = await keyArgument(deps, options.prefix);
  const { catalog } = await catalogFor(deps, options.role);
  const { listObjects } = await import("../../core/catalog/list.js");
  const objects: ObjectEntry[] = [];
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

export function renderLs(r: LsResult): string {
  if (r.objects.length === 0) return `no objects under ${quoteKey(r.prefix)}`;
  const rows = r.objects.map((o) => [
    formatBytes(o.size),
    formatTime(o.lastModified),
    displayKey(o.key),
  ]);
  const summary = `${r.count} object(s), ${formatBytes(r.totalBytes)}${r.truncated ? " (more not shown: --limit)" : ""}`;
  return `${table(rows, [0])}\n${summary}`;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("ls")
    .description("list objects (all pages) under PREFIX")
    .addHelpText(
      "after",
      examples(
        "strongbox ls",
        "strongbox ls s3://BUCKET/photos/ --limit 20",
        "strongbox ls photos/ --json",
      ),
    )
    .argument("[prefix]", "key prefix", "")
    .option("--limit <n>", "stop after N objects")
    .option("--page-size <n>", "keys per list request (default and maximum 1000)")
    .addOption(roleOption())
    .action(
      (prefix: string, raw: { limit?: string; pageSize?: string; role?: string }, cmd: Command) => {
        const pageSize = optionalPositiveInt(raw.pageSize, "page-size");
        if (pageSize !== undefined && pageSize > 1000) {
          throw usageError("--page-size may be at most 1000 (S3's maximum)");
        }
        const options: LsOptions = {
          prefix,
          limit: optionalPositiveInt(raw.limit, "limit"),
          pageSize,
          role: optionalRole(raw.role),
        };
        return ctx.run(cmd, invocation("ls", options, ls, renderLs));
      },
    );
}
