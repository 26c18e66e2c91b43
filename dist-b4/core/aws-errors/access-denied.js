import { ACTION_ROLES } from "../access/actions.js";
import { StrongboxError } from "../errors.js";
import { target } from "./context.js";
const listRoles = (roles) => roles.length === 1 ? roles[0] : `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}`;
/** AccessDenied, worded from the §2 table: who asked, for what, and who could. */
export function accessDenied(ctx, cause) {
    const entry = ACTION_ROLES[ctx.action];
    const who = ctx.role === undefined ? "your session" : `role ${ctx.role}`;
    const base = `access denied: ${who} may not ${ctx.action}${target(ctx)}`;
    const opts = (hint) => ({ hint, cause });
    if (entry.roles.length === 0) {
        return new StrongboxError("access-denied", `${base}.`, opts("no Strongbox role may do this"));
    }
    if (ctx.role !== undefined && entry.roles.includes(ctx.role)) {
        if (entry.mfa === true) {
            return new StrongboxError("access-denied", `${base}: ${ctx.action} needs a fresh MFA in the ${ctx.role} session.`, opts(`log in again with a new MFA code: \`strongbox login --role ${ctx.role}\``));
        }
        return new StrongboxError("access-denied", `${base}, although the access contract allows ${ctx.role} to (policy or key not as deployed?).`, opts("ask an admin to check the deployed policies (`strongbox access`)"));
    }
    const could = `${listRoles(entry.roles)} can${entry.mfa === true ? " (with MFA)" : ""}`;
    const first = entry.roles[0];
    return new StrongboxError("access-denied", `${base}; ${could}.`, opts(`run \`strongbox login --role ${first}\` and retry with --role ${first}`));
}
