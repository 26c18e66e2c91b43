import { StrongboxError } from "../errors.js";
/** Don't start a transfer with less than this much session left. */
export const MIN_SESSION_TO_START_SECONDS = 60;
/** Stop (cleanly, resumable) when the session has less than this left. */
export const STOP_MARGIN_SECONDS = 20;
/** Guards a transfer against outliving the role session whose credentials sign its URLs. */
export function sessionGuard(expiresAt, now) {
    const left = () => expiresAt === undefined ? Number.POSITIVE_INFINITY : (expiresAt.getTime() - now()) / 1000;
    return {
        secondsLeft: left,
        checkStart() {
            const seconds = left();
            if (seconds < MIN_SESSION_TO_START_SECONDS) {
                throw new StrongboxError("credentials", seconds <= 0
                    ? "The role session has expired."
                    : `The role session ends in ${Math.floor(seconds)} s, too soon to start a transfer.`, { hint: "Run `strongbox login` again." });
            }
        },
        check() {
            if (left() < STOP_MARGIN_SECONDS) {
                throw new StrongboxError("credentials", "The role session is about to expire; the transfer stopped.", {
                    // `download` has no --resume (it continues from its partial by itself): the
                    // hint must hold for both directions.
                    hint: "Run `strongbox login` again, then the same command to continue where it stopped (an upload with --resume).",
                });
            }
        },
    };
}
