import { inspect } from "node:util";
import { StrongboxError, usageError } from "../core/errors.js";
/**
 * Where an MFA code comes from, never the code itself in anything printable:
 * `login --debug` logs its options, and errors quote what was wrong, so the
 * code travels wrapped in a SecretCode that prints as "[redacted]".
 */
export class SecretCode {
    #value;
    constructor(value) {
        this.#value = value;
    }
    reveal() {
        return this.#value;
    }
    toString() {
        return "[redacted]";
    }
    toJSON() {
        return "[redacted]";
    }
    [inspect.custom]() {
        return "[redacted]";
    }
}
/** The environment variable a script may hand the code in (read only when MFA is needed). */
export const MFA_CODE_ENV = "STRONGBOX_MFA_CODE";
const SIX_DIGITS = /^\d{6}$/;
const WAYS = `type it at the prompt (on a terminal), pipe it with \`--mfa-code -\`, or set ${MFA_CODE_ENV}`;
/** Parses the --mfa-code flag; the error never repeats what was given. */
export function parseMfaFlag(raw) {
    if (raw === undefined)
        return undefined;
    if (raw === "-")
        return { from: "stdin" };
    if (!SIX_DIGITS.test(raw)) {
        throw usageError("--mfa-code must be the 6 digits shown by your MFA device, or - to read them from stdin");
    }
    return { from: "argv", code: new SecretCode(raw) };
}
const checked = (code, where) => {
    const trimmed = code.trim();
    if (!SIX_DIGITS.test(trimmed)) {
        throw new StrongboxError("usage", `the MFA code from ${where} is not the 6 digits shown by your device`);
    }
    return trimmed;
};
/** A code given up front (flag or stdin), read once; undefined when none was. */
export async function offeredMfaCode(input, deps) {
    if (input === undefined)
        return undefined;
    if (input.from === "stdin")
        return checked((await deps.readStdin()).split("\n")[0] ?? "", "stdin");
    deps.log.warn(`an MFA code on the command line is visible to other users of this machine (ps) and kept in shell history; next time ${WAYS}`);
    return input.code.reveal();
}
/**
 * The code when MFA is needed (`why`: "role admin needs MFA", …) and none was
 * offered nor a cached MFA session serves: the environment, else the terminal.
 */
export async function askMfaCode(serial, why, deps) {
    const fromEnv = deps.env[MFA_CODE_ENV];
    if (fromEnv !== undefined && fromEnv !== "")
        return checked(fromEnv, MFA_CODE_ENV);
    if (deps.prompt === undefined) {
        throw new StrongboxError("credentials", `${why}: no code was given`, {
            hint: `no terminal to prompt on: ${WAYS.replace(/^type it at the prompt \(on a terminal\), /, "")}`,
        });
    }
    return checked(await deps.prompt(`MFA code for ${serial}: `), "the prompt");
}
