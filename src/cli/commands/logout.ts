import { type Command, Option } from "commander";
import { ROLES, type Role } from "../../core/roles.js";
import { mfaSessionCacheOf, sessionCacheOf } from "../../core/session/cache.js";
import { optionalRole } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";

export interface LogoutOptions {
  role: Role | undefined;
}

export interface LogoutResult {
  removed: Role[];
  /** Profiles whose cached MFA session was removed (only by a logout without --role). */
  mfaSessions: string[];
}

/**
 * Deletes cached sessions (local only: STS sessions cannot be revoked one by
 * one); without --role also the cached MFA sessions, so the next login asks
 * for a code.
 */
export async function logout(options: LogoutOptions, deps: CommandDeps): Promise<LogoutResult> {
  const cache = sessionCacheOf(deps.globals, deps.now);
  const removed: Role[] = [];
  for (const role of options.role === undefined ? ROLES : [options.role]) {
    if (await cache.delete(role)) removed.push(role);
  }
  const mfaSessions =
    options.role === undefined ? await mfaSessionCacheOf(deps.globals, deps.now).deleteAll() : [];
  return { removed, mfaSessions };
}

export const renderLogout = (r: LogoutResult): string => {
  const mfa =
    r.mfaSessions.length === 0
      ? ""
      : `; MFA session of profile ${r.mfaSessions.join(", ")} removed`;
  return r.removed.length === 0 && mfa === ""
    ? "no cached sessions to remove"
    : `logged out: ${r.removed.length === 0 ? "(no role sessions)" : r.removed.join(", ")}${mfa}`;
};

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("logout")
    .description(
      "forget cached role sessions (all roles unless --role; without --role also MFA sessions)",
    )
    .addHelpText("after", examples("strongbox logout", "strongbox logout --role admin"))
    .addOption(new Option("--role <role>", "only this role").choices(ROLES))
    .action((raw: { role?: string }, cmd: Command) => {
      const options: LogoutOptions = { role: optionalRole(raw.role) };
      return ctx.run(cmd, invocation("logout", options, logout, renderLogout));
    });
}
