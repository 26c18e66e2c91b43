import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createLogger } from "../../cli/runtime.js";
import { createS3Client } from "../../core/clients.js";
import { transfersDirFor } from "../../core/config.js";
import { createPresigner } from "../../core/presign.js";
import { sessionCacheOf } from "../../core/session/cache.js";
import { sessionForCommand } from "../../core/session/index.js";
import { unsignedForLog } from "./guard.js";
const SIGNED_KEPT = 500;
export function createUiContext(opts) {
    const now = opts.now ?? Date.now;
    return {
        config: opts.config,
        configPath: opts.configPath,
        sessionsDir: opts.sessionsDir,
        profile: opts.profile,
        cache: sessionCacheOf({ configPath: opts.configPath, sessionsDir: opts.sessionsDir }, now),
        now,
        log: opts.log,
        signed: [],
    };
}
/** The cached session of `role`, exactly as a CLI data command would find it. */
export function sessionOf(ctx, role) {
    return sessionForCommand({ cache: ctx.cache, config: ctx.config, role });
}
/** A presigner with the role's session that logs every URL it signs (signature removed). */
export function loggingPresigner(ctx, session) {
    const inner = createPresigner({
        config: ctx.config,
        credentials: session.credentials,
        now: ctx.now,
    });
    return {
        async sign(req) {
            const signed = await inner.sign(req);
            const entry = {
                at: new Date(ctx.now()).toISOString(),
                role: session.role,
                method: req.method,
                url: unsignedForLog(signed.url),
                expiresAt: signed.expiresAt.toISOString(),
            };
            ctx.signed.push(entry);
            if (ctx.signed.length > SIGNED_KEPT)
                ctx.signed.splice(0, ctx.signed.length - SIGNED_KEPT);
            ctx.log(`signed ${entry.method} ${entry.url} (${entry.role}, until ${entry.expiresAt})`);
            return signed;
        },
    };
}
export async function catalogOf(ctx, role) {
    const session = await sessionOf(ctx, role);
    return {
        session,
        catalog: {
            s3: createS3Client(ctx.config, session.credentials),
            bucket: ctx.config.bucket,
            role: session.role,
        },
    };
}
/**
 * CommandDeps for calling a CLI command function (ls, rm, restore, audit,
 * alarms, access, presign…) from the page: the same code, no terminal.
 */
export function commandDeps(ctx, signal) {
    const nowhere = { write: () => true };
    const quiet = createLogger(nowhere, false);
    return {
        globals: {
            json: true,
            configPath: ctx.configPath,
            sessionsDir: ctx.sessionsDir,
            profile: ctx.profile,
            debug: false,
            quiet: true,
            progress: false,
            transfersDir: resolve(transfersDirFor(process.env, homedir())),
            legacyTransfersDir: join(dirname(ctx.configPath), "transfers"),
        },
        config: async () => ctx.config,
        session: async (role) => sessionForCommand({ cache: ctx.cache, config: ctx.config, role }),
        log: { ...quiet, warn: (m) => ctx.log(`warning: ${m}`) },
        stderr: process.stderr,
        // A result goes back to the page as JSON; no command run from it writes bytes to stdout.
        stdout: nowhere,
        interactive: false,
        prompt: undefined,
        env: process.env,
        readStdin: async () => {
            throw new Error("the page has no stdin");
        },
        signal,
        now: ctx.now,
    };
}
