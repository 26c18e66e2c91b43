import { readdir, rm, rmdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { legacySessionsDirOf } from "../config.js";
import { StrongboxError } from "../errors.js";
import { ensurePrivateDir, writeFileAtomic, writeJsonAtomic } from "../fs/atomic.js";
import { checkPrivateDir, type OwnerOptions, readOwnFile } from "../fs/private.js";
import { isRole, ROLES, type Role } from "../roles.js";
import * as z from "../schema.js";
import { credentialsSchema } from "./credentials-schema.js";
import { MfaSessionCache } from "./mfa-cache.js";
import type { RoleSession } from "./types.js";

/**
 * On-disk cache of role sessions, one owner-only file per role
 * (<state>/sessions/<config id>/<role>.json, see sessionsDirFor: 0600 in a 0700
 * folder). A folder or file that others may read, another user's, or a
 * symlink is refused with the fix, never used. Sessions found where they used
 * to live (<dirname(config)>/sessions) are moved here on first use. Entries
 * describe themselves (role, ARNs, expiry) so they can be listed and pruned
 * without anything else. Every lookup returns a decision with its reason.
 */

/** A cached session is not used once it expires within this window. */
export const REFRESH_WINDOW_MS = 5 * 60 * 1000;

const entrySchema = z.object({
  kind: z.literal("strongbox.role-session"),
  version: z.literal(1),
  role: z.enum(ROLES),
  roleArn: z.string(),
  assumedRoleArn: z.string(),
  baseIdentityArn: z.string(),
  sourceIdentity: z.string(),
  mfaAuthenticated: z.boolean(),
  mfaAuthenticatedAt: z.optional(z.iso.datetime()),
  createdAt: z.iso.datetime(),
  expiration: z.iso.datetime(),
  credentials: credentialsSchema,
});
type CacheEntry = z.infer<typeof entrySchema>;

export type SessionDecision =
  | { use: true; role: Role; session: RoleSession; reason: string }
  | {
      use: false;
      role: Role;
      reason: string;
      /** Set when there is a cached session that is (nearly) expired. */
      expiredAt?: Date;
    };

const toEntry = (s: RoleSession): CacheEntry => ({
  kind: "strongbox.role-session",
  version: 1,
  role: s.role,
  roleArn: s.roleArn,
  assumedRoleArn: s.assumedRoleArn,
  baseIdentityArn: s.baseIdentityArn,
  sourceIdentity: s.sourceIdentity,
  mfaAuthenticated: s.mfaAuthenticated,
  ...(s.mfaAuthenticatedAt === undefined
    ? {}
    : { mfaAuthenticatedAt: s.mfaAuthenticatedAt.toISOString() }),
  createdAt: s.createdAt.toISOString(),
  expiration: s.credentials.expiration.toISOString(),
  credentials: {
    accessKeyId: s.credentials.accessKeyId,
    secretAccessKey: s.credentials.secretAccessKey,
    sessionToken: s.credentials.sessionToken,
  },
});

const fromEntry = (e: CacheEntry): RoleSession => ({
  role: e.role,
  roleArn: e.roleArn,
  assumedRoleArn: e.assumedRoleArn,
  baseIdentityArn: e.baseIdentityArn,
  sourceIdentity: e.sourceIdentity,
  mfaAuthenticated: e.mfaAuthenticated,
  ...(e.mfaAuthenticatedAt === undefined
    ? {}
    : { mfaAuthenticatedAt: new Date(e.mfaAuthenticatedAt) }),
  createdAt: new Date(e.createdAt),
  credentials: { ...e.credentials, expiration: new Date(e.expiration) },
});

const fmtRemaining = (ms: number): string => {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)}h${minutes % 60}m` : `${minutes}m`;
};

export interface SessionCacheOptions extends OwnerOptions {
  /** Where an older strongbox kept these sessions: moved into `dir` on first use. */
  legacyDir?: string;
}

const WHAT = "session cache folder";

export class SessionCache {
  private prepared: Promise<void> | undefined;
  constructor(
    readonly dir: string,
    readonly now: () => number = Date.now,
    private readonly windowMs: number = REFRESH_WINDOW_MS,
    private readonly options: SessionCacheOptions = {},
  ) {}

  pathOf(role: Role): string {
    return join(this.dir, `${role}.json`);
  }

  async write(session: RoleSession): Promise<string> {
    await this.prepare();
    await ensurePrivateDir(this.dir);
    await checkPrivateDir(this.dir, WHAT, this.options);
    const path = this.pathOf(session.role);
    await writeJsonAtomic(path, toEntry(session), { pretty: true });
    return path;
  }

  /** Removes the cached session of `role`; true if there was one. */
  async delete(role: Role): Promise<boolean> {
    await this.prepare();
    if ((await this.read(role)) === undefined) return false;
    await rm(this.pathOf(role), { force: true });
    return true;
  }

  /** Is the cached session of `role` usable for a role whose ARN is now `roleArn`? */
  async lookup(role: Role, roleArn: string): Promise<SessionDecision> {
    await this.prepare();
    const text = await this.read(role);
    if (text === undefined)
      return { use: false, role, reason: `no cached session for role ${role}` };
    let entry: CacheEntry;
    try {
      entry = entrySchema.parse(JSON.parse(text));
    } catch {
      return {
        use: false,
        role,
        reason: `cached session for role ${role} is unreadable (ignored)`,
      };
    }
    if (entry.role !== role) {
      return { use: false, role, reason: `cache file for ${role} holds a ${entry.role} session` };
    }
    if (entry.roleArn !== roleArn) {
      return {
        use: false,
        role,
        reason: `cached session for role ${role} is for ${entry.roleArn}, but the config names ${roleArn}`,
      };
    }
    const session = fromEntry(entry);
    const expiresAt = session.credentials.expiration;
    const left = expiresAt.getTime() - this.now();
    if (left <= 0) {
      return {
        use: false,
        role,
        expiredAt: expiresAt,
        reason: `cached session for role ${role} expired at ${expiresAt.toISOString()}`,
      };
    }
    if (left <= this.windowMs) {
      return {
        use: false,
        role,
        expiredAt: expiresAt,
        reason: `cached session for role ${role} expires at ${expiresAt.toISOString()} (in ${fmtRemaining(left)}), inside the ${fmtRemaining(this.windowMs)} refresh window`,
      };
    }
    return {
      use: true,
      role,
      session,
      reason: `cached session for role ${role} valid until ${expiresAt.toISOString()} (${fmtRemaining(left)} left)`,
    };
  }

  /** Decisions for every role that has a cache file, in ROLES order. */
  async lookupAll(roleArns: Record<Role, string>): Promise<SessionDecision[]> {
    await this.prepare();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const roles = ROLES.filter((r) => names.includes(`${r}.json`) && isRole(r));
    return Promise.all(roles.map((role) => this.lookup(role, roleArns[role])));
  }

  /** The cache file's text (undefined: none); a symlink, a foreign or loose file is refused. */
  private read(role: Role, dir = this.dir): Promise<string | undefined> {
    return readOwnFile(join(dir, `${role}.json`), { ...this.options, loose: "refuse" });
  }

  /** Once per instance: the folder is checked, then sessions from the old place are moved in. */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await checkPrivateDir(this.dir, WHAT, this.options);
      await this.migrate();
    })();
    return this.prepared;
  }

  private async migrate(): Promise<void> {
    const legacy = this.options.legacyDir;
    if (legacy === undefined || resolve(legacy) === resolve(this.dir)) return;
    let names: string[];
    try {
      names = await readdir(legacy);
    } catch {
      return;
    }
    const roles = ROLES.filter((r) => names.includes(`${r}.json`));
    if (roles.length === 0) return;
    await checkPrivateDir(legacy, "old session cache folder", this.options);
    for (const role of roles) {
      const text = await this.read(role, legacy);
      if (text === undefined || !isEntry(text)) continue; // not ours: left alone
      if ((await this.read(role)) === undefined) {
        await ensurePrivateDir(this.dir);
        await checkPrivateDir(this.dir, WHAT, this.options);
        await writeFileAtomic(this.pathOf(role), text);
      }
      await rm(join(legacy, `${role}.json`), { force: true });
    }
    await rmdir(legacy).catch(() => {}); // only when empty
  }
}

function isEntry(text: string): boolean {
  try {
    return entrySchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** The session cache of the config at `configPath`, in `sessionsDir` (see sessionsDirFor). */
export function sessionCacheOf(
  paths: { configPath: string; sessionsDir: string },
  now: () => number,
): SessionCache {
  return new SessionCache(paths.sessionsDir, now, REFRESH_WINDOW_MS, {
    legacyDir: legacySessionsDirOf(paths.configPath),
  });
}

/** The MFA sessions (GetSessionToken) kept beside the role sessions of the config at `paths`. */
export const mfaSessionCacheOf = (
  paths: { sessionsDir: string },
  now: () => number,
): MfaSessionCache => new MfaSessionCache(paths.sessionsDir, now);

/** The error a data command gives when it has no usable session (exit 5). */
export function sessionNeededError(
  decision: SessionDecision & { use: false },
  now: () => number = Date.now,
): StrongboxError {
  const role = decision.role;
  if (decision.expiredAt !== undefined) {
    const past = decision.expiredAt.getTime() <= now();
    return new StrongboxError(
      "credentials",
      `session for role ${role} ${past ? "expired" : "expires"} at ${decision.expiredAt.toISOString()}; run \`strongbox login --role ${role}\``,
      { hint: decision.reason },
    );
  }
  return new StrongboxError(
    "credentials",
    `not logged in as ${role}; run \`strongbox login --role ${role}\``,
    {
      hint: decision.reason,
    },
  );
}

/** Inner provider: what to do on a miss (assume the role, or explain that login is needed). */
export type RoleSessionProvider = (miss: SessionDecision & { use: false }) => Promise<RoleSession>;

/**
 * A credentials provider wrapped by the cache (aws-vault's pattern): a usable
 * cached session is returned as is; otherwise `inner` is called and what it
 * returns is cached. `decisions` collects the reasons for --debug.
 */
export async function cachedRoleSession(opts: {
  cache: SessionCache;
  role: Role;
  roleArn: string;
  inner: RoleSessionProvider;
  onDecision?: (reason: string) => void;
}): Promise<RoleSession> {
  const decision = await opts.cache.lookup(opts.role, opts.roleArn);
  opts.onDecision?.(decision.reason);
  if (decision.use) return decision.session;
  const session = await opts.inner(decision);
  await opts.cache.write(session);
  opts.onDecision?.(
    `cached new session for role ${opts.role} until ${session.credentials.expiration.toISOString()}`,
  );
  return session;
}

/**
 * The session a data command uses without --role: the most recently created
 * one that is still usable. With none usable, the error names the latest
 * expired one (or says to log in at all).
 */
export async function latestRoleSession(
  cache: SessionCache,
  roleArns: Record<Role, string>,
  onDecision?: (reason: string) => void,
): Promise<RoleSession> {
  const decisions = await cache.lookupAll(roleArns);
  for (const d of decisions) onDecision?.(d.reason);
  const usable = decisions
    .filter((d): d is SessionDecision & { use: true } => d.use)
    .sort((a, b) => b.session.createdAt.getTime() - a.session.createdAt.getTime());
  const first = usable[0];
  if (first !== undefined) {
    onDecision?.(`using role ${first.role}: the most recently logged-in valid session`);
    return first.session;
  }
  const expired = decisions
    .filter(
      (d): d is SessionDecision & { use: false; expiredAt: Date } =>
        !d.use && d.expiredAt !== undefined,
    )
    .sort((a, b) => b.expiredAt.getTime() - a.expiredAt.getTime())[0];
  if (expired !== undefined) throw sessionNeededError(expired, cache.now);
  throw new StrongboxError(
    "credentials",
    "not logged in; run `strongbox login --role uploader|viewer|admin`",
    {
      hint:
        decisions.length === 0
          ? "no cached role sessions"
          : decisions.map((d) => d.reason).join("; "),
    },
  );
}
