import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join, posix, win32 } from "node:path";
import { StrongboxError } from "./errors.js";
import { writeJsonAtomic } from "./fs/atomic.js";
import { ROLES, type Role } from "./roles.js";
import * as z from "./schema.js";
import { MFA_SESSION_LIMITS } from "./session/mfa-cache.js";

/** An ARN-shaped string (also the Terraform outputs' role and key ARNs). */
export const arnSchema = z.string().check(z.startsWith("arn:"));
const inFlight = z.int().check(z.positive(), z.maximum(256));

/** The CLI's configuration file (written by `strongbox configure`). */
export const configSchema = z.object({
  version: z.literal(1),
  region: z.string().check(z.minLength(1)),
  bucket: z.string().check(z.minLength(3)),
  kmsKeyArn: arnSchema,
  roles: z.object(
    Object.fromEntries(ROLES.map((r) => [r, arnSchema])) as Record<Role, typeof arnSchema>,
  ),
  adminMfaRequired: z.boolean(),
  /** Oldest MFA (seconds) the Admin may act with; a permanent delete past it needs a new login. */
  adminMfaMaxAgeSeconds: z.optional(z.int().check(z.positive())),
  /** The bucket policy's cap on a pre-signed URL's signature age (ms), if it has one. */
  maxSignatureAgeMs: z.optional(z.int().check(z.positive())),
  /** The deployment lets the Uploader replace keys; absent or false: its uploads are create-only. */
  uploaderCanOverwrite: z.optional(z.boolean()),
  maxSessionSeconds: z.int().check(z.positive()),
  /** Set only for the local emulator: one endpoint for every AWS service. */
  endpoint: z.optional(z.url()),
  forcePathStyle: z._default(z.boolean(), false),
  /** The role data commands use when neither --role nor STRONGBOX_ROLE says one. */
  defaultRole: z.optional(z.enum(ROLES)),
  /** Browser origins the bucket's CORS rule allows (`strongbox ui` listens on 127.0.0.1 at one of their ports). */
  uiOrigins: z.optional(z.array(z.string())),
  /**
   * The AWS profile each role's login starts from when neither --profile nor
   * the environment (AWS_PROFILE, AWS_ACCESS_KEY_ID) gives the identity (e.g. a
   * separate IAM user for the Admin; the local stack's demo users).
   */
  profiles: z.optional(z.partialRecord(z.enum(ROLES), z.string().check(z.minLength(1)))),
  /** MFA device for roles that need MFA, when the AWS profile has no `mfa_serial`. */
  mfaSerial: z.optional(arnSchema),
  /**
   * Lifetime (seconds) of the MFA session a code opens (STS GetSessionToken:
   * 900 to 129600); absent: 3600, as aws-vault. While it lives, logins ask for
   * no code, except the Admin's past adminMfaMaxAgeSeconds after the code.
   */
  mfaSessionSeconds: z.optional(
    z.int().check(z.minimum(MFA_SESSION_LIMITS.min), z.maximum(MFA_SESSION_LIMITS.max)),
  ),
  /** Transfer defaults (flags override them; absent: the engine's measured defaults, bench/README.md). */
  transfer: z.optional(
    z.object({
      /** Multipart part size in bytes (≥ 5 MiB). */
      partSize: z.optional(z.int().check(z.minimum(5 * 1024 * 1024))),
      /** Requests in flight for one file's parts or ranges. */
      concurrency: z.optional(inFlight),
      /** Files in flight in a folder or prefix transfer. */
      files: z.optional(inFlight),
    }),
  ),
  monitoring: z.optional(
    z.object({
      trailName: z.optional(z.string()),
      logGroupName: z.optional(z.string()),
      topicArn: z.optional(z.string()),
      alarmNames: z._default(z.array(z.string()), []),
      queryNames: z._default(z.record(z.string(), z.string()), {}),
      /** What `strongbox access` checks no role can change (the monitoring half's resources). */
      trailArn: z.optional(arnSchema),
      eventRuleName: z.optional(z.string()),
      /** Every topic: alerts, activity, key guard. */
      topicArns: z.optional(z.array(arnSchema)),
      trailLogBucket: z.optional(z.string()),
      monitoringKeyArn: z.optional(arnSchema),
      keyAdministratorArns: z.optional(z.array(arnSchema)),
    }),
  ),
});

export type StrongboxConfig = z.infer<typeof configSchema>;

/**
 * The settings a person makes in the config rather than Terraform: `configure
 * --from-terraform` rewrites the rest from the outputs and keeps these.
 */
export const PERSONAL_SETTINGS = [
  "defaultRole",
  "profiles",
  "mfaSerial",
  "mfaSessionSeconds",
  "transfer",
] as const;

/** The personal settings of `previous` laid over `fromTerraform`, and which they were. */
export function keepPersonalSettings(
  fromTerraform: StrongboxConfig,
  previous: StrongboxConfig | undefined,
): { config: StrongboxConfig; kept: string[] } {
  const kept = PERSONAL_SETTINGS.filter((name) => previous?.[name] !== undefined);
  const config = { ...fromTerraform };
  for (const name of kept) Object.assign(config, { [name]: previous?.[name] });
  return { config, kept };
}

/** $STRONGBOX_CONFIG, else the platform's config folder (core/paths.ts; contract). */
export { defaultConfigPath } from "./paths.js";

/**
 * Per-user state (never a project folder): $STRONGBOX_STATE_DIR, else
 * $XDG_STATE_HOME/strongbox, else ~/.local/state/strongbox (Linux and other
 * Unix), ~/Library/Application Support/strongbox (macOS),
 * %LOCALAPPDATA%\strongbox (Windows). Relative values are ignored, as the XDG
 * spec says.
 */
export function defaultStateDir(
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const p = platform === "win32" ? win32 : posix;
  const absolute = (value: string | undefined) =>
    value !== undefined && value !== "" && p.isAbsolute(value) ? value : undefined;
  const explicit = absolute(env.STRONGBOX_STATE_DIR);
  if (explicit !== undefined) return explicit;
  const xdg = absolute(env.XDG_STATE_HOME);
  if (xdg !== undefined) return p.join(xdg, "strongbox");
  if (platform === "darwin") return p.join(home, "Library", "Application Support", "strongbox");
  if (platform === "win32")
    return p.join(absolute(env.LOCALAPPDATA) ?? p.join(home, "AppData", "Local"), "strongbox");
  return p.join(home, ".local", "state", "strongbox");
}

/** Upload resume records: <state>/transfers (those next to an older config are still read). */
export const transfersDirFor = (
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): string => join(defaultStateDir(env, home, platform), "transfers");

/**
 * Role sessions of one config: <state>/sessions/<first 16 hex of SHA-256 of the
 * config's absolute path>, so each deployment (config) keeps its own sessions
 * as before, but none lands next to a config that sits in a project folder.
 */
export function sessionsDirFor(
  configPath: string,
  env: NodeJS.ProcessEnv,
  home: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const id = createHash("sha256").update(configPath).digest("hex").slice(0, 16);
  const p = platform === "win32" ? win32 : posix;
  return p.join(defaultStateDir(env, home, platform), "sessions", id);
}

/** Where sessions lived up to now, next to the config: moved to sessionsDirFor on first use. */
export const legacySessionsDirOf = (configPath: string): string =>
  join(dirname(configPath), "sessions");

/** Validates parsed JSON as a config; every problem is listed with its field path. */
export function parseConfig(value: unknown, source: string): StrongboxConfig {
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    throw new StrongboxError(
      "usage",
      `config ${source} is not valid: ${describeIssues(parsed.error)}`,
      {
        hint: "run `strongbox configure --from-terraform DIR` again",
      },
    );
  }
  return parsed.data;
}

export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

export async function loadConfig(path: string): Promise<StrongboxConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StrongboxError("usage", `no Strongbox config at ${path}`, {
        hint: "run `strongbox configure --from-terraform DIR`, or pass --config PATH / set STRONGBOX_CONFIG",
      });
    }
    throw new StrongboxError("usage", `cannot read config ${path}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StrongboxError("usage", `config ${path} is not JSON: ${(err as Error).message}`, {
      hint: "run `strongbox configure --from-terraform DIR` again",
    });
  }
  return parseConfig(json, path);
}

/** Writes the config owner-only (0600; a new directory 0700), atomically (temp file + rename). */
export async function writeConfig(path: string, config: StrongboxConfig): Promise<void> {
  const valid = parseConfig(config, "to be written");
  await writeJsonAtomic(path, valid, { pretty: true });
}
