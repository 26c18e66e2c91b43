import { listObjects, type ObjectEntry } from "../../core/catalog/list.js";
import type { Role } from "../../core/roles.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import { displayKey, quoteKey } from "../../core/text/printable.js";
import type { LsOptions } from "../args.js";
import type { CommandDeps } from "../context.js";
import { formatBytes, formatTime, table } from "../render.js";
import { catalogFor } from "./shared.js";

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
  const config = await deps.config();
  const prefix = keyOfArgument(options.prefix, config.bucket);
  const { catalog } = await catalogFor(deps, options.role);
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
