import { createHash } from "node:crypto";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../fs/atomic.js";
import { checkPrivateDir, type OwnerOptions, readOwnFile } from "../fs/private.js";
import * as z from "../schema.js";
import { credentialsSchema } from "./credentials-schema.js";
import type { RoleCredentials } from "./types.js";

/**
 * Cached MFA sessions (STS GetSessionToken with a code), one owner-only file
 * per AWS profile beside the role sessions (<sessions>/mfa-<profile>.json,
 * 0600 in a 0700 folder), as aws-vault keeps its session tokens: while one
 * lives, every AssumeRole of that profile uses it and carries its MFA, so a
 * code is typed once per MFA session. An entry records whose long-term key
 * made it (a SHA-256 fingerprint of the access key ID, never the key) so
 * other credentials under the same profile name never pick it up.
 */

/** aws-vault's default for its GetSessionToken sessions (AWS_SESSION_TOKEN_TTL); STS's own is 12 h. */
export const DEFAULT_MFA_SESSION_SECONDS = 3600;
/** STS GetSessionToken limits for an IAM user (a root user gets at most 1 h). */
export const MFA_SESSION_LIMITS = { min: 900, max: 129_600, root: 3600 } as const;
/** An MFA session is not used for an AssumeRole this close to its end (or to the MFA age limit). */
export const MFA_MARGIN_MS = 60_000;

const entrySchema = z.object({
  kind: z.literal("strongbox.mfa-session"),
  version: z.literal(1),
  profile: z.string(),
  serialNumber: z.string(),
  /** The person (IAM user) whose code made the session. */
  baseIdentityArn: z.string(),
  /** SHA-256 (first 16 hex) of the long-term access key ID that called GetSessionToken. */
  baseKeyFingerprint: z.string(),
  /** When the code was given: aws:MultiFactorAuthAge counts from here. */
  createdAt: z.iso.datetime(),
  expiration: z.iso.datetime(),
  credentials: credentialsSchema,
});

/** A live MFA session as the session code uses it. */
export interface MfaSession {
  profile: string;
  serialNumber: string;
  baseIdentityArn: string;
  baseKeyFingerprint: string;
  createdAt: Date;
  credentials: RoleCredentials;
}

export type MfaLookup =
  | { use: true; session: MfaSession; reason: string }
  /** `found`: there was a session, but it may not be used (expired, too old, another key's). */
  | { use: false; found: boolean; reason: string };

/** Fingerprint of an access key ID: says which key made a session without storing the key. */
export const keyFingerprint = (accessKeyId: string): string =>
  createHash("sha256").update(accessKeyId).digest("hex").slice(0, 16);

const FILE = /^mfa-(.+)\.json$/;
/** A profile name as a file name: kept when it is plain, else its hash. */
const fileNameOf = (profile: string): string =>
  /^[\w.-]{1,64}$/.test(profile)
    ? `mfa-${profile}.json`
    : `mfa-${createHash("sha256").update(profile).digest("hex").slice(0, 16)}.json`;

const WHAT = "session cache folder";

export class MfaSessionCache {
  constructor(
    readonly dir: string,
    readonly now: () => number = Date.now,
    private readonly options: OwnerOptions = {},
  ) {}

  pathOf(profile: string): string {
    return join(this.dir, fileNameOf(profile));
  }

  /**
   * The cached MFA session of `profile` if it may still be used: made by the
   * key with `fingerprint`, not expiring within the margin and, when
   * `maxAgeSeconds` is given (a role whose trust checks aws:MultiFactorAuthAge),
   * younger than that.
   */
  async lookup(
    profile: string,
    fingerprint: string,
    maxAgeSeconds?: number | undefined,
  ): Promise<MfaLookup> {
    const text = await this.read(profile);
    const what = `cached MFA session of profile ${profile}`;
    if (text === undefined) return { use: false, found: false, reason: `no ${what}` };
    const parsed = parseEntry(text);
    if (parsed === undefined || parsed.profile !== profile)
      return { use: false, found: true, reason: `${what} is unreadable (ignored)` };
    if (parsed.baseKeyFingerprint !== fingerprint)
      return {
        use: false,
        found: true,
        reason: `${what} was made with other credentials (ignored)`,
      };
    const now = this.now();
    const expiresAt = Date.parse(parsed.expiration);
    if (expiresAt - now <= MFA_MARGIN_MS)
      return { use: false, found: true, reason: `${what} expired at ${parsed.expiration}` };
    const createdAt = Date.parse(parsed.createdAt);
    if (maxAgeSeconds !== undefined && now - createdAt >= maxAgeSeconds * 1000 - MFA_MARGIN_MS) {
      return {
        use: false,
        found: true,
        reason: `${what} dates from ${parsed.createdAt}: older than the ${maxAgeSeconds}s MFA age the role accepts`,
      };
    }
    const session: MfaSession = {
      profile: parsed.profile,
      serialNumber: parsed.serialNumber,
      baseIdentityArn: parsed.baseIdentityArn,
      baseKeyFingerprint: parsed.baseKeyFingerprint,
      createdAt: new Date(createdAt),
      credentials: { ...parsed.credentials, expiration: new Date(expiresAt) },
    };
    return {
      use: true,
      session,
      reason: `${what} (device ${parsed.serialNumber}, code given at ${parsed.createdAt}) valid until ${parsed.expiration}`,
    };
  }

  /** Writes the session atomically (a reader sees the old file or the new one, never half). */
  async write(session: MfaSession): Promise<string> {
    await ensurePrivateDir(this.dir);
    await checkPrivateDir(this.dir, WHAT, this.options);
    const path = this.pathOf(session.profile);
    const entry: z.infer<typeof entrySchema> = {
      kind: "strongbox.mfa-session",
      version: 1,
      profile: session.profile,
      serialNumber: session.serialNumber,
      baseIdentityArn: session.baseIdentityArn,
      baseKeyFingerprint: session.baseKeyFingerprint,
      createdAt: session.createdAt.toISOString(),
      expiration: session.credentials.expiration.toISOString(),
      credentials: {
        accessKeyId: session.credentials.accessKeyId,
        secretAccessKey: session.credentials.secretAccessKey,
        sessionToken: session.credentials.sessionToken,
      },
    };
    await writeFileAtomic(path, `${JSON.stringify(entry, null, 2)}\n`);
    return path;
  }

  /** Removes the MFA session of `profile`; true if there was one. */
  async delete(profile: string): Promise<boolean> {
    if ((await this.read(profile)) === undefined) return false;
    await rm(this.pathOf(profile), { force: true });
    return true;
  }

  /** Removes every cached MFA session; returns their profiles. */
  async deleteAll(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    await checkPrivateDir(this.dir, WHAT, this.options);
    const removed: string[] = [];
    for (const name of names.filter((n) => FILE.test(n)).sort()) {
      const path = join(this.dir, name);
      const text = await readOwnFile(path, { ...this.options, loose: "refuse" });
      if (text === undefined) continue;
      await rm(path, { force: true });
      removed.push(parseEntry(text)?.profile ?? (FILE.exec(name)?.[1] as string));
    }
    return removed;
  }

  private async read(profile: string): Promise<string | undefined> {
    await checkPrivateDir(this.dir, WHAT, this.options);
    return readOwnFile(this.pathOf(profile), { ...this.options, loose: "refuse" });
  }
}

function parseEntry(text: string): z.infer<typeof entrySchema> | undefined {
  try {
    const parsed = entrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
