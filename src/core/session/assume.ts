import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { loadSharedConfigFiles } from "@smithy/core/config";
import { mapAwsError, redact } from "../aws-errors.js";
import { type Credentials, createStsClient } from "../clients.js";
import type { StrongboxConfig } from "../config.js";
import { StrongboxError } from "../errors.js";
import type { Role } from "../roles.js";
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

/** The `mfa_serial` of an AWS profile (shared config or credentials file), if any. */
export async function mfaSerialOfProfile(profile: string): Promise<string | undefined> {
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  const serial =
    files.configFile?.[profile]?.mfa_serial ?? files.credentialsFile?.[profile]?.mfa_serial;
  return serial === undefined || serial === "" ? undefined : serial;
}

export interface AssumeRoleRequest {
  config: StrongboxConfig;
  role: Role;
  /** AWS profile for the base credentials; undefined → the default chain (AWS_PROFILE, env keys, SSO…). */
  profile: string | undefined;
  durationSeconds?: number | undefined;
  /** Returns the MFA code: from --mfa-code, or a prompt (the CLI's job). Called only if MFA is needed. */
  mfaCode?: (serial: string) => Promise<string>;
  /** Code for the base profile's own MFA (role_arn + mfa_serial in ~/.aws/config): a TTY prompt. */
  baseMfaCode?: (serial: string) => Promise<string>;
  /** True when the user gave --mfa-code: use MFA even if the role does not demand it. */
  mfaOffered?: boolean;
  /** Base credentials (tests); default fromNodeProviderChain({ profile }). */
  baseCredentials?: Credentials;
  now?: () => number;
  onDecision?: (reason: string) => void;
  /** Aborts the STS calls (Ctrl-C). */
  signal?: AbortSignal | undefined;
}

/**
 * sts:AssumeRole into the configured role as the calling person: session name
 * and SourceIdentity from GetCallerIdentity, MFA when the role needs it
 * (Admin with adminMfaRequired) or when a code was given.
 */
export async function assumeRoleSession(req: AssumeRoleRequest): Promise<RoleSession> {
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
  const roleArn = config.roles[role];
  const base =
    req.baseCredentials ??
    fromNodeProviderChain({
      ...(req.profile === undefined ? {} : { profile: req.profile }),
      // A profile with role_arn + mfa_serial asks for its code as the AWS CLI does.
      ...(req.baseMfaCode === undefined ? {} : { mfaCodeProvider: req.baseMfaCode }),
    });
  const sts = createStsClient(config, base);
  const sendOptions = req.signal === undefined ? undefined : { abortSignal: req.signal };

  let callerArn: string;
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}), sendOptions);
    callerArn = me.Arn ?? "";
  } catch (err) {
    if ((err as Error)?.name === "CredentialsProviderError" && req.profile !== undefined) {
      // The profile was named: say which one fails, and don't suggest --profile again.
      throw new StrongboxError(
        "credentials",
        `AWS profile "${req.profile}" gives no credentials: ${redact((err as Error).message)}`,
        {
          hint: `check [profile ${req.profile}] in ~/.aws/config or [${req.profile}] in ~/.aws/credentials (or run \`aws configure --profile ${req.profile}\`)`,
          cause: err,
        },
      );
    }
    throw mapAwsError(err, { action: "AssumeRole" });
  }
  if (callerArn === "")
    throw new StrongboxError("credentials", "STS did not say who you are (no ARN)");
  const sessionName = sessionNameFromArn(callerArn);
  const sourceIdentity = sourceIdentityFromArn(callerArn);
  req.onDecision?.(
    `base identity ${callerArn} → session name ${sessionName}, SourceIdentity ${sourceIdentity}`,
  );

  const mfaNeeded = role === "admin" && config.adminMfaRequired;
  let mfa: { SerialNumber: string; TokenCode: string } | undefined;
  if (mfaNeeded || req.mfaOffered === true) {
    const profileName = req.profile ?? "default";
    const serial = (await mfaSerialOfProfile(profileName)) ?? config.mfaSerial;
    if (serial === undefined) {
      throw new StrongboxError(
        "credentials",
        `role ${role} needs MFA, but no MFA device is known for profile ${profileName}`,
        {
          hint: `add mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME to profile ${profileName} in ~/.aws/config`,
        },
      );
    }
    if (req.mfaCode === undefined) {
      throw new StrongboxError("credentials", `role ${role} needs MFA: no code was given`);
    }
    mfa = { SerialNumber: serial, TokenCode: await req.mfaCode(serial) };
    req.onDecision?.(`MFA with device ${serial}`);
  }

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
      sendOptions,
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
      mfaAuthenticated: mfa !== undefined,
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
    const mapped = mapAwsError(err, { action: "AssumeRole", role });
    if (mapped.kind === "access-denied") {
      throw new StrongboxError(
        "access-denied",
        `${callerArn} may not assume role ${role} (${roleArn})${mfa === undefined ? "" : " with this MFA code"}`,
        {
          hint:
            mfa === undefined && role === "admin"
              ? "the admin role may require MFA: retry with --mfa-code"
              : "ask an admin to add you to the role's trusted principals (Terraform variable)",
          cause: err,
        },
      );
    }
    throw mapped;
  }
}
