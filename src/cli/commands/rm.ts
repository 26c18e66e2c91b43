import type { Command } from "commander";
import { accessDenied } from "../../core/aws-errors.js";
import type { RemoveResult } from "../../core/catalog/remove.js";
import type { VersionEntry } from "../../core/catalog/versions.js";
import { StrongboxError } from "../../core/errors.js";
import type { Role } from "../../core/roles.js";
import { mfaAgeSeconds } from "../../core/session/types.js";
import { displayKey } from "../../core/text/printable.js";
import { dryRunOption, nonEmptyKey, optionalRole, roleOption, yesOption } from "../args.js";
import { confirm } from "../confirm.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { formatBytes, formatTime } from "../render.js";
import { catalogFor, keyArgument } from "./shared.js";

export type { RemoveResult } from "../../core/catalog/remove.js";

export interface RmOptions {
  key: string;
  versionId: string | undefined;
  role: Role | undefined;
  /** --yes: no question asked (and allowed without a terminal). */
  yes: boolean;
  dryRun: boolean;
}

/** `rm --json`: what was (or, with --dry-run, would be) deleted. */
export interface RmResult extends RemoveResult {
  dryRun: boolean;
  /** The version a permanent delete removes, as `versions` lists it (when it could be read). */
  target: VersionEntry | undefined;
}

export async function rm(options: RmOptions, deps: CommandDeps): Promise<RmResult> {
  const { config, key } = await keyArgument(deps, options.key);
  const { catalog, session } = await catalogFor(deps, options.role, "delete");
  const { removeObject } = await import("../../core/catalog/remove.js");
  const { listVersions } = await import("../../core/catalog/versions.js");
  const { versionId } = options;
  // The session's MFA dates from its code (its login, or the cached MFA session's start);
  // the policies refuse one older than the window.
  const window = config.adminMfaMaxAgeSeconds;
  const staleMfa = window !== undefined && (mfaAgeSeconds(session, deps.now()) ?? 0) >= window;
  if (
    versionId !== undefined &&
    session.role === "admin" &&
    (!session.mfaAuthenticated || staleMfa)
  ) {
    // The bucket policy refuses it anyway; say why before asking.
    throw accessDenied({
      action: "DeleteObjectVersion",
      role: session.role,
      bucket: catalog.bucket,
      key,
      versionId,
    });
  }
  let target: VersionEntry | undefined;
  if (versionId !== undefined) {
    // Show what goes for good; a version that is not there is not-found before any question.
    const all = await listVersions(catalog, key).catch((err: unknown) => {
      if (err instanceof StrongboxError && err.kind === "access-denied") return undefined;
      throw err;
    });
    target = all?.find((v) => v.versionId === versionId);
    if (all !== undefined && target === undefined) {
      throw new StrongboxError("not-found", `not found: version ${versionId} of ${key}`, {
        hint: `see \`strongbox versions ${key}\``,
      });
    }
  }
  const planned: RmResult = {
    key,
    permanent: versionId !== undefined,
    versionId,
    deleteMarkerVersionId: undefined,
    dryRun: true,
    target,
  };
  if (options.dryRun) return planned;
  await confirm(deps, {
    yes: options.yes,
    strict: versionId !== undefined,
    what:
      versionId === undefined
        ? `delete ${key} (a delete marker hides it; earlier versions stay restorable)`
        : `permanently delete version ${versionId} of ${key} (this cannot be undone)`,
    details: target === undefined ? [] : [describeVersion(target)],
  });
  const removed = await removeObject(catalog, key, versionId);
  return { ...removed, dryRun: false, target };
}

const describeVersion = (v: VersionEntry): string =>
  `${displayKey(v.key)} version ${v.versionId}: ${v.deleteMarker ? "a delete marker" : formatBytes(v.size)}, ` +
  `modified ${formatTime(v.lastModified)}${v.isLatest ? ", the latest version" : ""}`;

export function renderRm(r: RmResult): string {
  if (r.dryRun) {
    return r.permanent
      ? `would delete permanently: ${r.target === undefined ? `version ${r.versionId} of ${displayKey(r.key)}` : describeVersion(r.target)}`
      : `would delete ${displayKey(r.key)} (add a delete marker; earlier versions stay restorable)`;
  }
  return r.permanent
    ? `deleted version ${r.versionId} of ${displayKey(r.key)} permanently`
    : `deleted ${displayKey(r.key)} (delete marker ${r.deleteMarkerVersionId ?? "added"}; earlier versions remain: strongbox versions ${displayKey(r.key)})`;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("rm")
    .description(
      "delete KEY (adds a delete marker); --version-id deletes that version for good (Admin with MFA)",
    )
    .addHelpText(
      "after",
      examples(
        "strongbox rm old.txt --dry-run",
        "strongbox rm old.txt --yes --role admin",
        "strongbox rm old.txt --version-id V --role admin      # permanent: asks, shows the version",
      ),
    )
    .argument("<key>", "object key")
    .option("--version-id <id>", "permanently delete this version")
    .addOption(yesOption())
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (
        key: string,
        raw: { versionId?: string; role?: string; yes?: boolean; dryRun?: boolean },
        cmd: Command,
      ) => {
        const options: RmOptions = {
          key: nonEmptyKey(key),
          versionId: raw.versionId,
          role: optionalRole(raw.role),
          yes: raw.yes === true,
          dryRun: raw.dryRun === true,
        };
        return ctx.run(cmd, invocation("rm", options, rm, renderRm));
      },
    );
}
