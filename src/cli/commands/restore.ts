import type { Command } from "commander";
import type { RestoreResult } from "../../core/catalog/restore.js";
import { StrongboxError } from "../../core/errors.js";
import type { Role } from "../../core/roles.js";
import { displayKey } from "../../core/text/printable.js";
import { dryRunOption, nonEmptyKey, optionalRole, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { formatBytes } from "../render.js";
import { catalogFor, keyArgument } from "./shared.js";

export type { RestoreResult } from "../../core/catalog/restore.js";

export interface RestoreOptions {
  key: string;
  versionId: string;
  role: Role | undefined;
  dryRun: boolean;
}

/** `restore --json`: the copy made (with --dry-run: the one that would be made, newVersionId null). */
export interface RestoreCommandResult extends Omit<RestoreResult, "newVersionId"> {
  newVersionId: string | null;
  dryRun: boolean;
}

export async function restore(
  options: RestoreOptions,
  deps: CommandDeps,
): Promise<RestoreCommandResult> {
  const { key } = await keyArgument(deps, options.key);
  const { catalog } = await catalogFor(deps, options.role, "restore");
  const { MAX_COPY_BYTES, restoreVersion } = await import("../../core/catalog/restore.js");
  const { listVersions } = await import("../../core/catalog/versions.js");
  if (options.dryRun) {
    // Read-only: the version must exist (and not be a delete marker) for the copy to work.
    const found = (await listVersions(catalog, key)).find((v) => v.versionId === options.versionId);
    if (found === undefined || found.deleteMarker) {
      throw new StrongboxError(
        "not-found",
        `not found: version ${options.versionId} of ${key}${found?.deleteMarker ? " is a delete marker" : ""}`,
        { hint: `see \`strongbox versions ${key}\`` },
      );
    }
    return {
      key,
      restoredVersionId: options.versionId,
      newVersionId: null,
      size: found.size,
      method: (found.size ?? 0) > MAX_COPY_BYTES ? "multipart-copy" : "copy",
      dryRun: true,
    };
  }
  const r = await restoreVersion(catalog, key, options.versionId);
  return { ...r, newVersionId: r.newVersionId ?? null, dryRun: false };
}

export const renderRestore = (r: RestoreCommandResult): string =>
  r.dryRun
    ? `would restore ${displayKey(r.key)} from version ${r.restoredVersionId} (${formatBytes(r.size)}, ${r.method}): a new latest version, nothing deleted`
    : `restored ${displayKey(r.key)} from version ${r.restoredVersionId}; new latest version ${r.newVersionId ?? "(unversioned)"}`;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("restore")
    .description("make an earlier version of KEY the latest again (copies it)")
    .addHelpText(
      "after",
      examples(
        "strongbox restore report.pdf --version-id V --dry-run",
        "strongbox restore report.pdf --version-id V --role admin",
      ),
    )
    .argument("<key>", "object key")
    .requiredOption("--version-id <id>", "version to restore (see `strongbox versions KEY`)")
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (key: string, raw: { versionId: string; role?: string; dryRun?: boolean }, cmd: Command) => {
        const options: RestoreOptions = {
          key: nonEmptyKey(key),
          versionId: raw.versionId,
          role: optionalRole(raw.role),
          dryRun: raw.dryRun === true,
        };
        return ctx.run(cmd, invocation("restore", options, restore, renderRestore));
      },
    );
}
