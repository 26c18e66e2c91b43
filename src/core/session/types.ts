import type { Role } from "../roles.js";

/** Temporary credentials of one role session (what STS AssumeRole returned). */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * A role session as the CLI uses it: credentials plus who they belong to.
 * The same fields are stored (self-describing) in the on-disk cache entry.
 */
export interface RoleSession {
  role: Role;
  roleArn: string;
  /** ARN of the base identity that called AssumeRole (the person). */
  baseIdentityArn: string;
  /** sts:SourceIdentity recorded on the session (shows in CloudTrail). */
  sourceIdentity: string;
  /** The session was created with an MFA code (needed for permanent deletes). */
  mfaAuthenticated: boolean;
  /**
   * When its MFA code was given (aws:MultiFactorAuthAge counts from here): the
   * login, or earlier when the session came from a cached MFA session.
   * Absent: the login's createdAt (entries written before MFA sessions).
   */
  mfaAuthenticatedAt?: Date;
  /** Assumed-role ARN returned by STS. */
  assumedRoleArn: string;
  createdAt: Date;
  credentials: RoleCredentials;
}

/** What `login` and `whoami` report of a session: never its credentials. */
export interface SessionSummary {
  role: Role;
  roleArn: string;
  assumedRoleArn: string;
  /** The person behind the session (base identity ARN). */
  identity: string;
  sourceIdentity: string;
  mfa: boolean;
  expiration: Date;
  remainingSeconds: number;
}

export function summarizeSession(session: RoleSession, nowMs: number): SessionSummary {
  return {
    role: session.role,
    roleArn: session.roleArn,
    assumedRoleArn: session.assumedRoleArn,
    identity: session.baseIdentityArn,
    sourceIdentity: session.sourceIdentity,
    mfa: session.mfaAuthenticated,
    expiration: session.credentials.expiration,
    remainingSeconds: Math.floor((session.credentials.expiration.getTime() - nowMs) / 1000),
  };
}

/** Seconds since the session's MFA code was given (undefined: no MFA). */
export const mfaAgeSeconds = (session: RoleSession, nowMs: number): number | undefined =>
  session.mfaAuthenticated
    ? Math.floor((nowMs - (session.mfaAuthenticatedAt ?? session.createdAt).getTime()) / 1000)
    : undefined;
