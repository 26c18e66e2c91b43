import { createPresigner } from "./presign.js";
import { DEFAULT_CONCURRENCY, DEFAULT_FILES_IN_FLIGHT } from "./transfer/part-plan.js";
import { createFileStateStore } from "./transfer/state-store.js";
import { withFallback } from "./transfer/state-store-fallback.js";
import { createHttpTransport } from "./transfer/transport.js";
/**
 * Runs `work` with a transfer's plumbing: URLs signed with the session,
 * one HTTP transport sized for the requests in flight (closed afterwards,
 * whatever happens), the resume store, and the concurrency settings.
 */
export async function withTransfer(setup, work) {
    const { config, session } = setup;
    const concurrency = setup.concurrency ?? config.transfer?.concurrency ?? DEFAULT_CONCURRENCY;
    const files = setup.files ?? config.transfer?.files ?? DEFAULT_FILES_IN_FLIGHT;
    const open = setup.openTransport ?? ((connections) => createHttpTransport({ connections }));
    const transport = open(Math.max(concurrency, files) + 2);
    try {
        return await work({
            deps: {
                presigner: createPresigner({ config, credentials: session.credentials, now: setup.now }),
                role: session.role,
                transport,
                stateStore: resumeStore(setup.resumeDirs),
                signal: setup.signal,
                sessionExpiresAt: session.credentials.expiration,
                ...(setup.onEvent === undefined ? {} : { onEvent: setup.onEvent }),
            },
            bucket: config.bucket,
            concurrency,
            files,
            partSize: config.transfer?.partSize,
            createOnly: createOnlyFor(config, session.role),
        });
    }
    finally {
        await transport.close().catch(() => { });
    }
}
/** Upload resume records in the platform's state folder; the old place (next to the config) still read. */
export function resumeStore(dirs) {
    const store = createFileStateStore(dirs.current);
    return dirs.current === dirs.legacy
        ? store
        : withFallback(store, createFileStateStore(dirs.legacy));
}
/** The Uploader only creates keys (If-None-Match: *) unless the deployment lets it replace them. */
export function createOnlyFor(config, role) {
    return role === "uploader" && config.uploaderCanOverwrite !== true;
}
