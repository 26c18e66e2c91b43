import { usageError } from "../errors.js";
import { isRole, ROLES } from "../roles.js";
/**
 * The role a data command runs as: --role, else $STRONGBOX_ROLE, else the
 * config's defaultRole, else the live session (the most recent one when there
 * are several: `ambiguous`, which the CLI says on stderr and, for a write or
 * delete, asks about or refuses). Pure: the caller lists the live sessions.
 */
export function chooseRole(input) {
    if (input.flag !== undefined)
        return { role: input.flag, source: "flag" };
    if (input.env !== undefined && input.env !== "") {
        if (!isRole(input.env))
            throw usageError(`STRONGBOX_ROLE must be one of ${ROLES.join(", ")}, not "${input.env}"`, "unset it or fix its value");
        return { role: input.env, source: "env" };
    }
    if (input.configDefault !== undefined)
        return { role: input.configDefault, source: "config" };
    return {
        role: input.live[0],
        source: input.live.length > 1 ? "latest-session" : "only-session",
        live: input.live,
    };
}
/** More than one live session and nothing said which: the choice is a guess. */
export const isAmbiguous = (choice) => choice.source === "latest-session";
/** The refusal for a write or delete whose role is a guess and no one can be asked. */
export function ambiguousRoleError(live, doing) {
    return usageError(`${live.length} role sessions are live (${live.join(", ")}): say which one should ${doing}`, "pass --role R, set STRONGBOX_ROLE, or set defaultRole in the config");
}
