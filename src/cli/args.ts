import { Option } from "commander";
import { usageError } from "../core/errors.js";
import { isRole, ROLES, type Role } from "../core/roles.js";
import type { SelectRule } from "../core/transfer/select.js";

/**
 * Option builders and value parsers shared by the command files
 * (src/cli/commands/*.ts); each command declares its own options there.
 */

/** "15m", "1h", "1h30m", "2d", "900s" or plain seconds "900" → seconds. */
export function parseDurationSeconds(text: string, flag = "duration"): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return positive(Number(trimmed), flag, text);
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (trimmed === "" || match === null) {
    throw usageError(`--${flag} "${text}" is not a duration`, "use e.g. 900, 15m, 1h, 1h30m, 7d");
  }
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return positive((d ?? 0) * 86400 + (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0), flag, text);
}

function positive(seconds: number, flag: string, text: string): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw usageError(`--${flag} "${text}" must be a positive duration`);
  }
  return seconds;
}

export function parseRole(text: string, flag = "role"): Role {
  if (!isRole(text))
    throw usageError(`--${flag} must be one of ${ROLES.join(", ")}, not "${text}"`);
  return text;
}

export function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw usageError(`--${flag} must be a positive whole number, not "${text}"`);
  }
  return Number(text);
}

/** An optional `--flag N`: undefined when absent, else a positive whole number. */
export function optionalPositiveInt(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parsePositiveInt(text, flag);
}

/** `--role R` for data commands: which role session to use. */
export const roleOption = () =>
  new Option(
    "--role <role>",
    "role session to use (default: $STRONGBOX_ROLE, the config's defaultRole, else the live session)",
  ).choices(ROLES);

/** `--yes` for commands that destroy or replace something. */
export const yesOption = () =>
  new Option("-y, --yes", "do not ask for confirmation (needed when there is no terminal)");

/** `--dry-run`: say what would happen; no request changes anything, no file is written. */
export const dryRunOption = () =>
  new Option("--dry-run", "show what would happen; change nothing, write nothing");

export function nonEmptyKey(key: string): string {
  if (key.length === 0) throw usageError("KEY must not be empty");
  return key;
}

export function optionalRole(raw: string | undefined): Role | undefined {
  return raw === undefined ? undefined : parseRole(raw);
}

/** Repeatable, ordered: --exclude and --include share one list so a later rule wins. */
export function collectRule(kind: SelectRule["kind"], rules: SelectRule[]) {
  return (pattern: string) => {
    rules.push({ kind, pattern });
    return rules;
  };
}
