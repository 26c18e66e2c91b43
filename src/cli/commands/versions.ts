import { listVersions, type VersionEntry } from "../../core/catalog/versions.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import type { VersionsOptions } from "../args.js";
import type { CommandDeps } from "../context.js";
import { formatBytes, formatTime, table } from "../render.js";
import { catalogFor } from "./shared.js";

export interface VersionsResult {
  key: string;
  versions: VersionEntry[];
}

export async function versions(
  options: VersionsOptions,
  deps: CommandDeps,
): Promise<VersionsResult> {
  const key = keyOfArgument(options.key, (await deps.config()).bucket);
  const { catalog } = await catalogFor(deps, options.role);
  return { key, versions: await listVersions(catalog, key) };
}

export function renderVersions(r: VersionsResult): string {
  const rows = r.versions.map((v) => [
    v.versionId,
    v.isLatest ? "latest" : "",
    v.deleteMarker ? "(delete marker)" : formatBytes(v.size),
    formatTime(v.lastModified),
  ]);
  return table([["VERSION", "", "SIZE", "MODIFIED"], ...rows]);
}
