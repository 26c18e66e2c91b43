import type { Command } from "commander";
import type { Role } from "../../core/roles.js";
import { sessionCacheOf } from "../../core/session/cache.js";
import { type SessionSummary, summarizeSession } from "../../core/session/types.js";
import { optionalRole, roleOption } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { formatDuration, formatTime } from "../render.js";

export interface WhoamiOptions {
  role: Role | undefined;
}

export interface WhoamiResult extends SessionSummary {
  /** Every cached session and whether it is usable. */
  sessions: { role: Role; usable: boolean; reason: string }[];
}

/** Local answer from the session cache (no network). */
export async function whoami(options: WhoamiOptions, deps: CommandDeps): Promise<WhoamiResult> {
  const config = await deps.config();
  const session = await deps.session(options.role);
  const cache = sessionCacheOf(deps.globals, deps.now);
  const all = await cache.lookupAll(config.roles);
  return {
    ...summarizeSession(session, deps.now()),
    sessions: all.map((d) => ({ role: d.role, usable: d.use, reason: d.reason })),
  };
}

export const renderWhoami = (r: WhoamiResult): string =>
  [
    `role       ${r.role} (${r.roleArn})`,
    `identity   ${r.identity}`,
    `source id  ${r.sourceIdentity}${r.mfa ? " (MFA)" : ""}`,
    `expires    ${formatTime(r.expiration)} (${formatDuration(r.remainingSeconds)} left)`,
    ...r.sessions
      .filter((s) => s.role !== r.role)
      .map((s) => `also       ${s.role}: ${s.usable ? "valid" : "not usable"} — ${s.reason}`),
  ].join("\n");

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("whoami")
    .description("show the role session in use: role, identity, expiry")
    .addHelpText("after", examples("strongbox whoami", "strongbox whoami --role viewer --json"))
    .addOption(roleOption())
    .action((raw: { role?: string }, cmd: Command) => {
      const options: WhoamiOptions = { role: optionalRole(raw.role) };
      return ctx.run(cmd, invocation("whoami", options, whoami, renderWhoami));
    });
}
