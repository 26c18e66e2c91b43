import { Option } from "commander";
import { usageError } from "../core/errors.js";
import { isRole, ROLES } from "../core/roles.js";
import { parseDuration } from "../core/text/duration.js";
/**
 * Option builders and value parsers shared by the command files
 * (src/cli/commands/*.ts); each command declares its own options there.
 */
/** "15m", "1h", "1h30m", "2d", "900s" or plain seconds "900" → seconds. */
export const parseDurationSeconds = (text, flag = "duration") => parseDuration(text, { flag, bareSeconds: true, hint: "use e.g. 900, 15m, 1h, 1h30m, 7d" });
export function parseRole(text, flag = "role") {
    if (!isRole(text))
        throw usageError(`--${flag} must be one of ${ROLES.join(", ")}, not "${text}"`);
    return text;
}
export function parsePositiveInt(text, flag) {
    if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
        throw usageError(`--${flag} must be a positive whole number, not "${text}"`);
    }
    return Number(text);
}
/** An optional `--flag N`: undefined when absent, else a positive whole number. */
export function optionalPositiveInt(text, flag) {
    return text === undefined ? undefined : parsePositiveInt(text, flag);
}
/** `--role R` for data commands: which role session to use. */
export const roleOption = () => new Option("--role <role>", "role session to use (default: $STRONGBOX_ROLE, the config's defaultRole, else the live session)").choices(ROLES);
/** `--yes` for commands that destroy or replace something. */
export const yesOption = () => new Option("-y, --yes", "do not ask for confirmation (needed when there is no terminal)");
/** `--dry-run`: say what would happen; no request changes anything, no file is written. */
export const dryRunOption = () => new Option("--dry-run", "show what would happen; change nothing, write nothing");
export function nonEmptyKey(key) {
    if (key.length === 0)
        throw usageError("KEY must not be empty");
    return key;
}
export function optionalRole(raw) {
    return raw === undefined ? undefined : parseRole(raw);
}
/** Repeatable, ordered: --exclude and --include share one list so a later rule wins. */
export function collectRule(kind, rules) {
    return (pattern) => {
        rules.push({ kind, pattern });
        return rules;
    };
}
