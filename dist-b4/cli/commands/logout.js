import { Option } from "commander";
import { ROLES } from "../../core/roles.js";
import { mfaSessionCacheOf, sessionCacheOf } from "../../core/session/cache.js";
import { optionalRole } from "../args.js";
import { invocation } from "../context.js";
/**
 * Deletes cached sessions (local only: STS sessions cannot be revoked one by
 * one); without --role also the cached MFA sessions, so the next login asks
 * for a code.
 */
export async function logout(options, deps) {
    const cache = sessionCacheOf(deps.globals, deps.now);
    const removed = [];
    for (const role of options.role === undefined ? ROLES : [options.role]) {
        if (await cache.delete(role))
            removed.push(role);
    }
    const mfaSessions = options.role === undefined ? await mfaSessionCacheOf(deps.globals, deps.now).deleteAll() : [];
    return { removed, mfaSessions };
}
export const renderLogout = (r) => {
    const mfa = r.mfaSessions.length === 0
        ? ""
        : `; MFA session of profile ${r.mfaSessions.join(", ")} removed`;
    return r.removed.length === 0 && mfa === ""
        ? "no cached sessions to remove"
        : `logged out: ${r.removed.length === 0 ? "(no role sessions)" : r.removed.join(", ")}${mfa}`;
};
export function register(program, ctx) {
    program
        .command("logout")
        .description("forget cached role sessions (all roles unless --role; without --role also MFA sessions)")
        .addOption(new Option("--role <role>", "only this role").choices(ROLES))
        .action((raw, cmd) => {
        const options = { role: optionalRole(raw.role) };
        return ctx.run(cmd, invocation("logout", options, logout, renderLogout));
    });
}
