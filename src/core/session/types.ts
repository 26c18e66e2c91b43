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
  /** Assumed-role ARN returned by STS. */
  assumedRoleArn: string;
  createdAt: Date;
  credentials: RoleCredentials;
}
