import { ROLES, type Role } from "../roles.js";
import { CREATE_ONLY_WRITERS, tableAllows } from "./contract-table.js";

/** Operations Strongbox performs, named as S3/STS/Logs name them. */
export type StrongboxAction =
  | "PutObject"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "ListParts"
  | "ListMultipartUploads"
  | "GetObject"
  | "HeadObject"
  | "ListObjectsV2"
  | "ListObjectVersions"
  | "DeleteObject"
  | "DeleteObjectVersion"
  | "RestoreVersion"
  | "AssumeRole"
  | "ReadAudit";

/** The IAM actions each operation needs: all of them must be allowed. */
export const IAM_ACTIONS_OF: Record<StrongboxAction, readonly string[]> = {
  PutObject: ["s3:PutObject"],
  CreateMultipartUpload: ["s3:PutObject"],
  UploadPart: ["s3:PutObject"],
  CompleteMultipartUpload: ["s3:PutObject"],
  AbortMultipartUpload: ["s3:AbortMultipartUpload"],
  ListParts: ["s3:ListMultipartUploadParts"],
  ListMultipartUploads: ["s3:ListBucketMultipartUploads"],
  GetObject: ["s3:GetObject"],
  HeadObject: ["s3:GetObject"],
  ListObjectsV2: ["s3:ListBucket"],
  ListObjectVersions: ["s3:ListBucketVersions"],
  DeleteObject: ["s3:DeleteObject"],
  DeleteObjectVersion: ["s3:DeleteObjectVersion"],
  // Reading an old version and writing it as the latest needs get *and* put.
  RestoreVersion: ["s3:GetObjectVersion", "s3:PutObject"],
  // Your own identity assumes a role; no role session may (the table has no row for it).
  AssumeRole: ["sts:AssumeRole"],
  ReadAudit: ["logs:StartQuery", "logs:GetQueryResults", "cloudwatch:DescribeAlarms"],
};

export interface ActionRoles {
  roles: readonly Role[];
  /** Allowed only with MFA in the session. */
  mfa?: boolean;
}

function rolesOf(action: StrongboxAction): ActionRoles {
  const needs = IAM_ACTIONS_OF[action];
  const roles = ROLES.filter((role) => needs.every((iam) => tableAllows(role, iam).allowed));
  const mfa = needs.some((iam) => roles.some((role) => tableAllows(role, iam).mfa));
  return mfa ? { roles, mfa } : { roles };
}

/**
 * Which roles may perform each action, derived from the access contract's
 * table (contract-table.ts, ARCHITECTURE §2). `mfa` marks actions the contract
 * allows only with MFA in the session.
 */
export const ACTION_ROLES = Object.fromEntries(
  (Object.keys(IAM_ACTIONS_OF) as StrongboxAction[]).map((action) => [action, rolesOf(action)]),
) as Record<StrongboxAction, ActionRoles>;

/** The roles that may replace an existing key: writers that are not create-only. */
export const REPLACERS: readonly Role[] = ROLES.filter(
  (role) => tableAllows(role, "s3:PutObject").allowed && !CREATE_ONLY_WRITERS.includes(role),
);
