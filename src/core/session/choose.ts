import { usageError } from "../errors.js";
import { isRole, ROLES, type Role } from "../roles.js";

/** Where the role of a data command came from, strongest first. */
export type RoleSource = "flag" | "env" | "config" | "only-session" | "latest-session";

export type RoleChoice =
  | { role: Role; source: Exclude<RoleSource, "latest-session" | "only-session"> }
  | {
      /** The most recently logged-in live session (undefined: none is live). */
      role: Role | undefined;
      source: "only-session" | "latest-session";
      /** Roles with a live session, most recent first. */
      live: Role[];
    };

/**
 * The role a data command runs as: --role, else $STRONGBOX_ROLE, else the
 * config's defaultRole, else the live session (the most recent one when there
 * are several: `ambiguous`, which the CLI says on stderr and, for a write or
 * delete, asks about or refuses). Pure: the caller lists the live sessions.
 */
export function chooseRole(input: {
  flag: Role | undefined;
  env: string | undefined;
  configDefault: Role | undefined;
  /** Roles with a usable cached session, most recently logged in first. */
  live: Role[];
}): RoleChoice {
  if (input.flag !== undefined) return { role: input.flag, source: "flag" };
  if (input.env !== undefined && input.env !== "") {
    if (!isRole(input.env))
      throw usageError(
        `STRONGBOX_ROLE must be one of ${ROLES.join(", ")}, not "${input.env}"`,
        "unset it or fix its value",
      );
    return { role: input.env, source: "env" };
  }
  if (input.configDefault !== undefined) return { role: input.configDefault, source: "config" };
  return {
    role: input.live[0],
    source: input.live.length > 1 ? "latest-session" : "only-session",
    live: input.live,
  };
}

/** More than one live session and nothing said which: the choice is a guess. */
export const isAmbiguous = (choice: RoleChoice): boolean => choice.source === "latest-session";

/** The refusal for a write or delete whose role is a guess and no one can be asked. */
export function ambiguousRoleError(live: Role[], doing: string) {
  return usageError(
    `${live.length} role sessions are live (${live.join(", ")}): say which one should ${doing}`,
    "pass --role R, set STRONGBOX_ROLE, or set defaultRole in the config",
  );
}
