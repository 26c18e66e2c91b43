import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { mapAwsError } from "../aws-errors.js";
import { type Credentials, createStsClient } from "../clients.js";
import type { StrongboxConfig } from "../config.js";
import { StrongboxError } from "../errors.js";
import type { Role } from "../roles.js";
import {
  type BaseIdentity,
  type BaseRequest,
  baseIdentity,
  profileMfaOf,
  profileNameOf,
} from "./base-identity.js";
import type { MfaSessionCache } from "./mfa-cache.js";
import { sourceIdentityFromArn } from "./source-identity.js";
import type { RoleSession } from "./types.js";

/** STS refuses sessions shorter than 15 minutes. */
export const MIN_SESSION_SECONDS = 900;
export const DEFAULT_SESSION_SECONDS = 3600;

/**
 * A RoleSessionName / SourceIdentity from the caller's ARN: the user name
 * (or session name for an assumed role), reduced to STS's alphabet
 * [\w+=,.@-] and 2..64 characters.
 */
export function sessionNameFromArn(callerArn: string): string {
  const resource = callerArn.split(":").slice(5).join(":");
  const parts = resource.split("/");
  const kind = parts[0] ?? "";
  let name: string;
  if (kind === "assumed-role") name = parts.slice(2).join("/") || (parts[1] ?? "");
  else if (parts.length > 1) name = parts.at(-1) ?? "";
  else name = kind; // "root"
  let clean = name.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  // SourceIdentity may not start with "aws:"; ":" is already gone, keep "aws-" harmless.
  if (clean.length < 2) clean = `strongbox-${clean || "user"}`.slice(0, 64);
  return clean;
}

export interface AssumeRoleRequest {
  config: StrongboxConfig;
  role: Role;
  /** AWS profile for the base credentials; undefined → the default chain (AWS_PROFILE, env keys, SSO…). */
  profile: string | undefined;
  durationSeconds?: number | undefined;
  /**
   * Returns the MFA code: from --mfa-code, or a prompt (the CLI's job). Called
   * only if MFA is needed and no cached MFA session serves; `why` says what needs it.
   */
  mfaCode?: (serial: string, why: string) => Promise<string>;
  /** Code for the base profile's own MFA (role_arn + mfa_serial in the AWS config file): a TTY prompt. */
  baseMfaCode?: (serial: string) => Promise<string>;
  /** True when the user gave --mfa-code: use MFA even if the role does not demand it (and a fresh MFA session). */
  mfaOffered?: boolean;
  /** Cached MFA sessions (GetSessionToken); undefined: MFA goes with each AssumeRole. */
  mfaCache?: MfaSessionCache | undefined;
  /** Base credentials (tests); default fromNodeProviderChain({ profile }). */
  baseCredentials?: Credentials;
  now?: () => number;
  onDecision?: (reason: string) => void;
  /** Aborts the STS calls (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** The environment (hints name the AWS config file it points to); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The profile a login starts from: --profile; else what the environment gives
 * (AWS_PROFILE, or keys in AWS_ACCESS_KEY_ID, which the SDK reads itself);
 * else the config's profile for the role; else the default chain.
 */
export function baseProfileOf(
  req: Pick<AssumeRoleRequest, "config" | "role" | "env"> & { profile?: string | undefined },
): string | undefined {
  if (req.profile !== undefined) return req.profile;
  const env = req.env ?? process.env;
  if (env.AWS_PROFILE || env.AWS_ACCESS_KEY_ID) return undefined;
  return req.config.profiles?.[req.role];
}

/**
 * sts:AssumeRole into the configured role as the calling person: session name
 * and SourceIdentity from GetCallerIdentity, MFA when the role needs it
 * (Admin with adminMfaRequired), when the profile has an mfa_serial, or when
 * a code was given. With an MFA cache, the code makes an MFA session
 * (GetSessionToken) that later AssumeRoles reuse while it lives; one that
 * STS no longer accepts is dropped and a code asked again.
 */
export async function assumeRoleSession(request: AssumeRoleRequest): Promise<RoleSession> {
  const env = request.env ?? process.env;
  const req = { ...request, env, profile: baseProfileOf({ ...request, env }) };
  const { config, role } = req;
  const now = req.now ?? Date.now;
  const duration =
    req.durationSeconds ?? Math.min(DEFAULT_SESSION_SECONDS, config.maxSessionSeconds);
  if (duration < MIN_SESSION_SECONDS) {
    throw new StrongboxError(
      "usage",
      `--duration must be at least 15m (STS minimum), not ${duration}s`,
    );
  }
  if (duration > config.maxSessionSeconds) {
    throw new StrongboxError(
      "usage",
      `--duration ${duration}s is longer than the roles' maximum session of ${config.maxSessionSeconds}s`,
      { hint: `use --duration ${Math.floor(config.maxSessionSeconds / 60)}m or less` },
    );
  }
  const chain =
    req.baseCredentials ??
    fromNodeProviderChain({
      ...(req.profile === undefined ? {} : { profile: req.profile }),
      // A profile with role_arn + mfa_serial asks for its code as the AWS CLI does.
      ...(req.baseMfaCode === undefined ? {} : { mfaCodeProvider: req.baseMfaCode }),
    });
  const sts = createStsClient(config, chain);
  const profileName = profileNameOf(req.profile);
  const profile = await profileMfaOf(profileName);
  const roleNeedsMfa = role === "admin" && config.adminMfaRequired;
  const mfaWhy = roleNeedsMfa
    ? `role ${role} needs MFA`
    : req.mfaOffered === true
      ? `an MFA code was given for role ${role}`
      : profile.serial !== undefined && !profile.assumesRole
        ? `profile ${profileName} needs MFA (mfa_serial)`
        : undefined;
  const baseRequest: BaseRequest = {
    chain,
    sts,
    sendOptions: req.signal === undefined ? undefined : { abortSignal: req.signal },
    profile: req.profile,
    profileName,
    mfaWhy,
    serial: profile.serial ?? config.mfaSerial,
    mfaCode: req.mfaCode,
    mfaCache: req.mfaCache,
    skipCache: req.mfaOffered === true,
    maxMfaAgeSeconds: roleNeedsMfa ? config.adminMfaMaxAgeSeconds : undefined,
    mfaSessionSeconds: config.mfaSessionSeconds,
    now,
    onDecision: req.onDecision,
    env,
  };
  const base = await baseIdentity(baseRequest);
  try {
    return await assumeAs(req, base, duration, sts, chain);
  } catch (err) {
    if (base.fromCache === undefined || !isRefusedCredentials(err)) throw err;
    // The cached MFA session is no longer valid (revoked keys, a changed clock): drop it, ask again.
    await req.mfaCache?.delete(profileName);
    req.onDecision?.(
      `STS refused the cached MFA session of profile ${profileName} (${(err as Error).name}): removed it, asking for a new code`,
    );
    const fresh = await baseIdentity({ ...baseRequest, skipCache: true });
    return assumeAs(req, fresh, duration, sts, chain);
  }
}

const REFUSED = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
]);
const isRefusedCredentials = (err: unknown): boolean =>
  REFUSED.has((err as { name?: string })?.name ?? "") ||
  REFUSED.has(((err as { cause?: { name?: string } })?.cause?.name as string) ?? "");

async function assumeAs(
  req: AssumeRoleRequest,
  base: BaseIdentity,
  duration: number,
  chainSts: STSClient,
  chain: Credentials,
): Promise<RoleSession> {
  const { config, role } = req;
  const roleArn = config.roles[role];
  const now = req.now ?? Date.now;
  const callerArn = base.callerArn;
  const sessionName = sessionNameFromArn(callerArn);
  const sourceIdentity = sourceIdentityFromArn(callerArn);
  req.onDecision?.(
    `base identity ${callerArn} → session name ${sessionName}, SourceIdentity ${sourceIdentity}`,
  );
  const sts = base.credentials === chain ? chainSts : createStsClient(config, base.credentials);
  const mfa = base.assumeRoleMfa;
  const createdAt = new Date(now());
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        SourceIdentity: sourceIdentity,
        DurationSeconds: duration,
        ...(mfa ?? {}),
      }),
      req.signal === undefined ? undefined : { abortSignal: req.signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new StrongboxError("failed", "STS AssumeRole returned no credentials");
    }
    return {
      role,
      roleArn,
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? roleArn,
      baseIdentityArn: callerArn,
      sourceIdentity: out.SourceIdentity ?? sourceIdentity,
      mfaAuthenticated: base.mfaAt !== undefined,
      ...(base.mfaAt === undefined ? {} : { mfaAuthenticatedAt: base.mfaAt }),
      createdAt,
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: new Date(c.Expiration),
      },
    };
  } catch (err) {
    if (err instanceof StrongboxError) throw err;
    if (base.fromCache !== undefined && isRefusedCredentials(err)) throw err; // the caller retries
    const mapped = mapAwsError(err, { action: "AssumeRole", role });
    if (mapped.kind === "access-denied") {
      const withMfa =
        base.fromCache !== undefined
          ? ` with the MFA session cached at ${base.fromCache.createdAt.toISOString()}`
          : base.mfaAt === undefined
            ? ""
            : " with this MFA code";
      throw new StrongboxError(
        "access-denied",
        `${callerArn} may not assume role ${role} (${roleArn})${withMfa}`,
        {
          hint:
            base.fromCache !== undefined
              ? "run `strongbox logout` and log in again to type a new MFA code"
              : base.mfaAt === undefined && role === "admin"
                ? "the admin role may require MFA: retry with --mfa-code"
                : "ask an admin to add you to the role's trusted principals (Terraform variable)",
          cause: err,
        },
      );
    }
    throw mapped;
  }
}
