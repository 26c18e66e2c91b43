import { StrongboxError } from "../errors.js";
/**
 * An upload whose role session S3 refused midway (ExpiredToken, InvalidToken…)
 * keeps its parts and its resume record, so "log in again" is only half the
 * way back: the error's hint goes on to name --resume. undefined for any other
 * error, and for a hint that already names --resume (the session guard's own).
 */
export function reloginThenResume(error) {
    if (!(error instanceof StrongboxError) || error.kind !== "credentials")
        return undefined;
    if (error.hint?.includes("--resume"))
        return undefined;
    return new StrongboxError("credentials", error.message, {
        hint: `${error.hint ?? "log in again (`strongbox login`)"}, then run the same command with --resume to continue where it stopped.`,
        cause: error,
    });
}
