import { type Command, Option } from "commander";
import { ROLES, type Role } from "../../core/roles.js";
import { sessionCacheOf } from "../../core/session/cache.js";
import { optionalRole } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";

export interface LogoutOptions {
  role: Role | undefined;
}

export interface LogoutResult {
  removed: Role[];
}

/** Deletes cached sessions (local only: STS sessions cannot be revoked one by one). */
export async function logout(options: LogoutOptions, deps: CommandDeps): Promise<LogoutResult> {
  const cache = sessionCacheOf(deps.globals, deps.now);
  const removed: Role[] = [];
  for (const role of options.role === undefined ? ROLES : [options.role]) {
    if (await cache.delete(role)) removed.push(role);
  }
  return { removed };
}

export const renderLogout = (r: LogoutResult): string =>
  r.removed.length === 0 ? "no cached sessions to remove" : `logged out: ${r.removed.join(", ")}`;

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("logout")
    .description("forget the cached role session (all roles unless --role)")
    .addOption(new Option("--role <role>", "only this role").choices(ROLES))
    .action((raw: { role?: string }, cmd: Command) => {
      const options: LogoutOptions = { role: optionalRole(raw.role) };
      return ctx.run(cmd, invocation("logout", options, logout, renderLogout));
    });
}
