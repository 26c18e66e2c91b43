import type { StrongboxAction } from "../access/actions.js";
import type { Role } from "../roles.js";

/** What a failed request was: the action, the role, and the object it named. */
export interface ErrorContext {
  action: StrongboxAction;
  /** The role whose session made the request. */
  role?: Role | undefined;
  bucket?: string | undefined;
  key?: string | undefined;
  versionId?: string | undefined;
}

/** " on s3://bucket/key (version v)", or "" when the request named nothing. */
export function target(ctx: ErrorContext): string {
  if (ctx.key === undefined) return ctx.bucket === undefined ? "" : ` on s3://${ctx.bucket}`;
  const where = ctx.bucket === undefined ? ctx.key : `s3://${ctx.bucket}/${ctx.key}`;
  return ` on ${where}${ctx.versionId === undefined ? "" : ` (version ${ctx.versionId})`}`;
}

export const loginHint = (role: Role | undefined) =>
  `log in again: \`strongbox login --role ${role ?? "uploader|viewer|admin"}\``;
