/**
 * Config + role session + an S3 client with that session's credentials.
 * `doing` marks a write or delete (see CommandDeps.session).
 */
export async function catalogFor(deps, role, doing) {
    const config = await deps.config();
    const session = await deps.session(role, doing);
    // The SDK loads only when a command runs (--help stays fast).
    const { createS3Client } = await import("../../core/clients.js");
    return {
        session,
        catalog: {
            s3: createS3Client(config, session.credentials),
            bucket: config.bucket,
            role: session.role,
            signal: deps.signal,
        },
    };
}
/** What core's withTransfer needs from a transfer command: its session, progress, limits, state folders. */
export function transferSetup(deps, config, session, progress, limits) {
    return {
        config,
        session,
        now: deps.now,
        signal: deps.signal,
        onEvent: progress.onEvent,
        ...limits,
        resumeDirs: { current: deps.globals.transfersDir, legacy: deps.globals.legacyTransfersDir },
    };
}
