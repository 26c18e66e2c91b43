import {
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  type GetSessionTokenCommandOutput,
  type STSClient,
} from "@aws-sdk/client-sts";
import { loadSharedConfigFiles } from "@smithy/core/config";
import type { AwsCredentialIdentity } from "@smithy/types";
import { mfaDeviceArnLike } from "../arn.js";
import { mapAwsError, redact } from "../aws-errors.js";
import type { Credentials } from "../clients.js";
import { StrongboxError } from "../errors.js";
import { awsSharedFileShown } from "./aws-files.js";
import {
  DEFAULT_MFA_SESSION_SECONDS,
  keyFingerprint,
  MFA_SESSION_LIMITS,
  type MfaSession,
  type MfaSessionCache,
} from "./mfa-cache.js";

/**
 * Who calls AssumeRole, and with which MFA: the person's own credentials, or
 * (when MFA is wanted and they are an IAM user's long-term keys) an MFA
 * session from STS GetSessionToken, cached so its code is typed once.
 */

/** The MFA settings of an AWS profile (shared config or credentials file). */
export interface ProfileMfa {
  /** Its `mfa_serial`, if any. */
  serial: string | undefined;
  /** It has a `role_arn`: the SDK assumes that role itself (and asks for its code). */
  assumesRole: boolean;
}

export async function profileMfaOf(profile: string): Promise<ProfileMfa> {
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  const section = { ...files.credentialsFile?.[profile], ...files.configFile?.[profile] };
  const serial = section.mfa_serial;
  return {
    serial: serial === undefined || serial === "" ? undefined : serial,
    assumesRole: section.role_arn !== undefined && section.role_arn !== "",
  };
}

/** The profile the SDK's default chain reads when none is named (it reads AWS_PROFILE itself). */
export const profileNameOf = (profile: string | undefined): string =>
  profile ?? (process.env.AWS_PROFILE || "default");

export interface BaseIdentity {
  /** What signs the AssumeRole call. */
  credentials: Credentials;
  /** The person (base identity ARN). */
  callerArn: string;
  /** MFA sent with the AssumeRole itself (a base that cannot make an MFA session). */
  assumeRoleMfa?: { SerialNumber: string; TokenCode: string };
  /** When the MFA code was given; undefined: no MFA. */
  mfaAt?: Date;
  /** The MFA session was read from the cache (a refused one is dropped and a code asked again). */
  fromCache?: MfaSession;
}

export interface BaseRequest {
  /** The default chain, or the profile's credentials. */
  chain: Credentials;
  sts: STSClient;
  sendOptions: { abortSignal: AbortSignal } | undefined;
  /** Named with --profile (errors name it; undefined: the default chain). */
  profile: string | undefined;
  /** The profile whose MFA session is cached ("default" or AWS_PROFILE when none is named). */
  profileName: string;
  /** MFA wanted, and why (for the messages); undefined: none. */
  mfaWhy: string | undefined;
  /** MFA device: the profile's mfa_serial, else the config's. */
  serial: string | undefined;
  mfaCode: ((serial: string, why: string) => Promise<string>) | undefined;
  /** Where MFA sessions are kept; undefined: MFA goes with each AssumeRole (the old way). */
  mfaCache: MfaSessionCache | undefined;
  /** Use no cached MFA session (a code was offered, or the cached one was refused). */
  skipCache: boolean;
  /** aws:MultiFactorAuthAge the role's trust accepts (seconds), when it checks one. */
  maxMfaAgeSeconds: number | undefined;
  mfaSessionSeconds: number | undefined;
  now: () => number;
  onDecision: ((reason: string) => void) | undefined;
  /** The environment the SDK reads (hints name its AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). */
  env: Readonly<Record<string, string | undefined>>;
}

const resolve = async (c: Credentials): Promise<AwsCredentialIdentity> =>
  typeof c === "function" ? await c() : c;

/** An IAM user's or the root user's own identity: the ones GetSessionToken accepts. */
const isLongTermIdentity = (arn: string): boolean =>
  /^arn:[\w-]+:iam::\d+:(user\/|root$)/.test(arn);

export async function baseIdentity(req: BaseRequest): Promise<BaseIdentity> {
  const { onDecision } = req;
  let why = req.mfaWhy;
  if (req.mfaWhy !== undefined && req.mfaCache !== undefined && !req.skipCache) {
    const fingerprint = keyFingerprint((await resolveChain(req)).accessKeyId);
    const hit = await req.mfaCache.lookup(req.profileName, fingerprint, req.maxMfaAgeSeconds);
    onDecision?.(hit.reason);
    if (hit.use) {
      return {
        credentials: hit.session.credentials,
        callerArn: hit.session.baseIdentityArn,
        mfaAt: hit.session.createdAt,
        fromCache: hit.session,
      };
    }
    // Said when no code can be asked for: why the cached one does not serve.
    if (hit.found) why = `${why} (${hit.reason})`;
  }
  const callerArn = await callerArnOf(req);
  if (why === undefined) return { credentials: req.chain, callerArn };
  const serial = req.serial;
  if (serial === undefined) {
    throw new StrongboxError(
      "credentials",
      `${why}, but no MFA device is known for profile ${req.profileName}`,
      {
        hint: `add mfa_serial = ${mfaDeviceArnLike(callerArn, "NAME")} to profile ${req.profileName} in ${awsSharedFileShown("config", req.env)}`,
      },
    );
  }
  if (req.mfaCode === undefined) {
    throw new StrongboxError("credentials", `${why}: no code was given`);
  }
  const base = await resolveChain(req);
  const code = await req.mfaCode(serial, why);
  const mfaAt = new Date(req.now());
  if (req.mfaCache === undefined || !isLongTermIdentity(callerArn) || base.sessionToken) {
    onDecision?.(
      `MFA with device ${serial}, sent with the AssumeRole (no MFA session for ${callerArn})`,
    );
    return {
      credentials: req.chain,
      callerArn,
      assumeRoleMfa: { SerialNumber: serial, TokenCode: code },
      mfaAt,
    };
  }
  const session = await getSessionToken(req, { serial, code, callerArn, base, mfaAt });
  const path = await req.mfaCache.write(session);
  onDecision?.(
    `MFA session for profile ${req.profileName} (device ${serial}) cached in ${path} until ${session.credentials.expiration.toISOString()}`,
  );
  return { credentials: session.credentials, callerArn, mfaAt };
}

async function resolveChain(req: BaseRequest): Promise<AwsCredentialIdentity> {
  try {
    return await resolve(req.chain);
  } catch (err) {
    throw baseCredentialsError(err, req);
  }
}

async function getSessionToken(
  req: BaseRequest,
  m: { serial: string; code: string; callerArn: string; base: AwsCredentialIdentity; mfaAt: Date },
): Promise<MfaSession> {
  const wanted = req.mfaSessionSeconds ?? DEFAULT_MFA_SESSION_SECONDS;
  const duration = m.callerArn.endsWith(":root")
    ? Math.min(wanted, MFA_SESSION_LIMITS.root)
    : wanted;
  let out: GetSessionTokenCommandOutput;
  try {
    out = await req.sts.send(
      new GetSessionTokenCommand({
        SerialNumber: m.serial,
        TokenCode: m.code,
        DurationSeconds: duration,
      }),
      req.sendOptions,
    );
  } catch (err) {
    const name = (err as Error)?.name ?? "";
    if (name === "AccessDenied" || name === "AccessDeniedException") {
      throw new StrongboxError(
        "access-denied",
        `STS refused the MFA code for ${m.serial} (${m.callerArn}): ${redact((err as Error).message)}`,
        {
          hint: "type the code your device shows now (each code works once), and check mfa_serial",
          cause: err,
        },
      );
    }
    throw mapAwsError(err, { action: "AssumeRole" });
  }
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
    throw new StrongboxError("failed", "STS GetSessionToken returned no credentials");
  }
  return {
    profile: req.profileName,
    serialNumber: m.serial,
    baseIdentityArn: m.callerArn,
    baseKeyFingerprint: keyFingerprint(m.base.accessKeyId),
    createdAt: m.mfaAt,
    credentials: {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: new Date(c.Expiration),
    },
  };
}

async function callerArnOf(req: BaseRequest): Promise<string> {
  let arn: string;
  try {
    arn = (await req.sts.send(new GetCallerIdentityCommand({}), req.sendOptions)).Arn ?? "";
  } catch (err) {
    throw baseCredentialsError(err, req);
  }
  if (arn === "") throw new StrongboxError("credentials", "STS did not say who you are (no ARN)");
  return arn;
}

/** A named profile that gives no credentials is named, and --profile is not suggested again. */
function baseCredentialsError(
  err: unknown,
  { profile, env }: Pick<BaseRequest, "profile" | "env">,
): StrongboxError {
  if ((err as Error)?.name === "CredentialsProviderError" && profile !== undefined) {
    return new StrongboxError(
      "credentials",
      `AWS profile "${profile}" gives no credentials: ${redact((err as Error).message)}`,
      {
        hint: `check [profile ${profile}] in ${awsSharedFileShown("config", env)} or [${profile}] in ${awsSharedFileShown("credentials", env)} (or run \`aws configure --profile ${profile}\`)`,
        cause: err,
      },
    );
  }
  return mapAwsError(err, { action: "AssumeRole" });
}
