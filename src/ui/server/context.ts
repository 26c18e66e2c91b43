import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { CommandDeps } from "../../cli/context.js";
import { createLogger } from "../../cli/runtime.js";
import type { CatalogContext } from "../../core/catalog/context.js";
import { createS3Client } from "../../core/clients.js";
import { type StrongboxConfig, transfersDirFor } from "../../core/config.js";
import { createPresigner, type Presigner } from "../../core/presign.js";
import type { Role } from "../../core/roles.js";
import { type SessionCache, sessionCacheOf } from "../../core/session/cache.js";
import { sessionForCommand } from "../../core/session/index.js";
import type { RoleSession } from "../../core/session/types.js";
import { unsignedForLog } from "./guard.js";

/** One line of the signing log: what was signed, never the signature. */
export interface SignedEntry {
  at: string;
  role: Role;
  method: string;
  url: string;
  expiresAt: string;
}

/** What every API handler works with: the CLI's config and session cache, and the signing log. */
export interface UiContext {
  config: StrongboxConfig;
  configPath: string;
  /** The CLI's session folder for this config (globals.sessionsDir). */
  sessionsDir: string;
  profile: string | undefined;
  cache: SessionCache;
  now: () => number;
  /** Lines for the person running `strongbox ui` (stderr). */
  log: (line: string) => void;
  /** The most recent signed URLs (newest last), for the Admin's view. */
  signed: SignedEntry[];
}

const SIGNED_KEPT = 500;

export function createUiContext(opts: {
  config: StrongboxConfig;
  configPath: string;
  sessionsDir: string;
  profile: string | undefined;
  now?: () => number;
  log: (line: string) => void;
}): UiContext {
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
export function sessionOf(ctx: UiContext, role: Role): Promise<RoleSession> {
  return sessionForCommand({ cache: ctx.cache, config: ctx.config, role });
}

/** A presigner with the role's session that logs every URL it signs (signature removed). */
export function loggingPresigner(ctx: UiContext, session: RoleSession): Presigner {
  const inner = createPresigner({
    config: ctx.config,
    credentials: session.credentials,
    now: ctx.now,
  });
  return {
    async sign(req) {
      const signed = await inner.sign(req);
      const entry: SignedEntry = {
        at: new Date(ctx.now()).toISOString(),
        role: session.role,
        method: req.method,
        url: unsignedForLog(signed.url),
        expiresAt: signed.expiresAt.toISOString(),
      };
      ctx.signed.push(entry);
      if (ctx.signed.length > SIGNED_KEPT) ctx.signed.splice(0, ctx.signed.length - SIGNED_KEPT);
      ctx.log(`signed ${entry.method} ${entry.url} (${entry.role}, until ${entry.expiresAt})`);
      return signed;
    },
  };
}

export async function catalogOf(
  ctx: UiContext,
  role: Role,
): Promise<{ catalog: CatalogContext; session: RoleSession }> {
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
export function commandDeps(ctx: UiContext, signal: AbortSignal): CommandDeps {
  const nowhere = { write: () => true } as unknown as NodeJS.WritableStream;
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
    session: async (role?: Role) =>
      sessionForCommand({ cache: ctx.cache, config: ctx.config, role }),
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
