/** Exit codes of ARCHITECTURE §4 (contract). */
export const ExitCode = {
    ok: 0,
    failed: 1,
    usage: 2,
    accessDenied: 3,
    notFound: 4,
    credentials: 5,
    interrupted: 130,
};
const exitCodeOf = {
    failed: ExitCode.failed,
    usage: ExitCode.usage,
    "access-denied": ExitCode.accessDenied,
    "not-found": ExitCode.notFound,
    credentials: ExitCode.credentials,
    interrupted: ExitCode.interrupted,
};
/**
 * Every failure the user can act on. `message` is one plain sentence that is
 * safe to print: it never holds credentials or pre-signed URLs. `hint` says
 * what to do next.
 */
export class StrongboxError extends Error {
    kind;
    hint;
    /** What was done before the failure (say, the files of a batch that did upload): shown beside it. */
    partial;
    constructor(kind, message, options) {
        super(message, options?.cause === undefined ? undefined : { cause: options.cause });
        this.name = "StrongboxError";
        this.kind = kind;
        this.hint = options?.hint;
    }
    get exitCode() {
        return exitCodeOf[this.kind];
    }
}
export const usageError = (message, hint) => new StrongboxError("usage", message, hint === undefined ? undefined : { hint });
