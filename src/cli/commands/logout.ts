import { ROLES, type Role } from "../../core/roles.js";
import { sessionCacheOf } from "../../core/session/cache.js";
import type { LogoutOptions } from "../args.js";
import type { CommandDeps } from "../context.js";

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
