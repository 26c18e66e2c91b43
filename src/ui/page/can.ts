import { ACTION_ROLES, type StrongboxAction } from "../../core/aws-errors.js";
import type { Role } from "../../core/roles.js";

/** The access contract, as the CLI words it: may `role` do `action`, and who could instead. */
export function can(role: Role, action: StrongboxAction): boolean {
  return ACTION_ROLES[action].roles.includes(role);
}

export function whoCan(action: StrongboxAction): string {
  const roles = ACTION_ROLES[action].roles;
  return roles.length === 0 ? "no role" : roles.join(" or ");
}

/** "Your role viewer cannot upload files; uploader or admin can: sign in as one of them." */
export function refusedBecauseOfRole(role: Role, action: StrongboxAction, doing: string): string {
  return `Your role ${role} cannot ${doing}; ${whoCan(action)} can. Use “Switch role” to sign in as one of them.`;
}
