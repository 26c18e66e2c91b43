import type { Command } from "commander";
import type { VersionEntry } from "../../core/catalog/versions.js";
import type { Role } from "../../core/roles.js";
import { nonEmptyKey, optionalRole, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { formatBytes, formatTime, table } from "../render.js";
import { catalogFor, keyArgument } from "./shared.js";

export interface VersionsOptions {
  key: string;
  role: Role | undefined;
}

export interface VersionsResult {
  key: string;
  versions: VersionEntry[];
}

export async function versions(
  options: VersionsOptions,
  deps: CommandDeps,
): Promise<VersionsResult> {
  const { key } = await keyArgument(deps, options.key);
  const { catalog } = await catalogFor(deps, options.role);
  const { listVersions } = await import("../../core/catalog/versions.js");
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

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("versions")
    .description("list every version and delete marker of KEY, newest first")
    .addHelpText(
      "after",
      examples("strongbox versions report.pdf", "strongbox versions s3://BUCKET/report.pdf --json"),
    )
    .argument("<key>", "object key")
    .addOption(roleOption())
    .action((key: string, raw: { role?: string }, cmd: Command) => {
      const options: VersionsOptions = { key: nonEmptyKey(key), role: optionalRole(raw.role) };
      return ctx.run(cmd, invocation("versions", options, versions, renderVersions));
    });
}
