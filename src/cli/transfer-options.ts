import type { Command } from "commander";
import type { Role } from "../core/roles.js";
import { DEFAULT_FILES_IN_FLIGHT } from "../core/transfer/part-plan.js";
import type { SelectRule } from "../core/transfer/select.js";
import { collectRule, optionalPositiveInt, optionalRole } from "./args.js";

/**
 * The options `upload` and `download` share: which files (--exclude /
 * --include) and how much in flight (--concurrency, --files), each worded
 * for what the command moves, and with --dry-run and --role (args.ts) how
 * they are parsed.
 */

/** The shared options, parsed: part of UploadCommandOptions and DownloadCommandOptions. */
export interface TransferFlags {
  concurrency: number | undefined;
  files: number | undefined;
  role: Role | undefined;
  /** --exclude / --include in the order given (the later rule wins). */
  select: SelectRule[];
  dryRun: boolean;
}

/** commander's values of the shared options (the rules are collected into a list of their own). */
export interface RawTransferFlags {
  concurrency?: string;
  files?: string;
  role?: string;
  dryRun?: boolean;
}

/** --exclude and --include, collected into `rules` in the order given. */
export function addSelectOptions(
  cmd: Command,
  rules: SelectRule[],
  help: { exclude: string; include: string },
): Command {
  return cmd
    .option("--exclude <glob>", help.exclude, collectRule("exclude", rules))
    .option("--include <glob>", help.include, collectRule("include", rules));
}

/** --concurrency and --files: `requests` (`concurrency` by default) and files in flight `filesFor` what. */
export function addInFlightOptions(
  cmd: Command,
  help: { requests: string; concurrency: number; filesFor: string },
): Command {
  return cmd
    .option("--concurrency <n>", `${help.requests} in flight (default ${help.concurrency})`)
    .option(
      "--files <n>",
      `files in flight for ${help.filesFor} (default ${DEFAULT_FILES_IN_FLIGHT})`,
    );
}

/** The shared options as the command takes them (usage errors for bad numbers or roles). */
export const transferFlags = (raw: RawTransferFlags, rules: SelectRule[]): TransferFlags => ({
  concurrency: optionalPositiveInt(raw.concurrency, "concurrency"),
  files: optionalPositiveInt(raw.files, "files"),
  role: optionalRole(raw.role),
  select: [...rules],
  dryRun: raw.dryRun === true,
});
