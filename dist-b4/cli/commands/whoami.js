import { sessionCacheOf } from "../../core/session/cache.js";
import { summarizeSession } from "../../core/session/types.js";
import { optionalRole, roleOption } from "../args.js";
import { invocation } from "../context.js";
import { formatDuration, formatTime } from "../render.js";
/** Local answer from the session cache (no network). */
export async function whoami(options, deps) {
    const config = await deps.config();
    const session = await deps.session(options.role);
    const cache = sessionCacheOf(deps.globals, deps.now);
    const all = await cache.lookupAll(config.roles);
    return {
        ...summarizeSession(session, deps.now()),
        sessions: all.map((d) => ({ role: d.role, usable: d.use, reason: d.reason })),
    };
}
export const renderWhoami = (r) => [
    `role       ${r.role} (${r.roleArn})`,
    `identity   ${r.identity}`,
    `source id  ${r.sourceIdentity}${r.mfa ? " (MFA)" : ""}`,
    `expires    ${formatTime(r.expiration)} (${formatDuration(r.remainingSeconds)} left)`,
    ...r.sessions
        .filter((s) => s.role !== r.role)
        .map((s) => `also       ${s.role}: ${s.usable ? "valid" : "not usable"} — ${s.reason}`),
].join("\n");
export function register(program, ctx) {
    program
        .command("whoami")
        .description("show the role session in use: role, identity, expiry")
        .addOption(roleOption())
        .action((raw, cmd) => {
        const options = { role: optionalRole(raw.role) };
        return ctx.run(cmd, invocation("whoami", options, whoami, renderWhoami));
    });
}
