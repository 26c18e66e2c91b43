import { StrongboxError, usageError } from "../core/errors.js";
/**
 * Consent before something is destroyed: --yes gives it; a terminal asks
 * (`strict` wants the word "yes", not just "y"); with neither, refuse (exit 2).
 * A "no" changes nothing and exits 1.
 */
export async function confirm(deps, opts) {
    if (opts.yes)
        return;
    if (deps.prompt === undefined) {
        throw usageError(`refusing to ${opts.what} without confirmation: no terminal to ask on`, "pass --yes to confirm (or --dry-run to see what would happen)");
    }
    for (const line of opts.details ?? [])
        deps.stderr.write(`  ${line}\n`);
    const answer = (await deps.prompt(`${opts.what}? ${opts.strict ? "type yes to confirm" : "[y/N]"} `))
        .trim()
        .toLowerCase();
    const agreed = opts.strict ? answer === "yes" : answer === "y" || answer === "yes";
    if (!agreed)
        throw new StrongboxError("failed", `not confirmed: nothing was changed`);
}
