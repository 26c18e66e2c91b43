import type { Role } from "../roles.js";
import type { HardeningCapability, RequestContext } from "./contract-table.js";
import type { HardeningCell, HardeningTarget, TrustTarget } from "./contract-types.js";

/**
 * The trust-policy rows of the access contract: who may assume each role, with
 * which SourceIdentity, and (for the Admin) with how fresh an MFA.
 */

type Context = RequestContext;

/** The person a forged SourceIdentity claims to be. */
const SOMEONE_ELSE = "mallory";
const TAGGED_PERSON = "carol@example.com";

/** The trust-policy cells of one role: who may assume it, as whom, with which MFA. */
export function trustCells(t: HardeningTarget, trust: TrustTarget, role: Role): HardeningCell[] {
  const caller = trust.callers[role];
  const userName = caller.slice(caller.lastIndexOf("/") + 1);
  const roleArn = String(t.sessionContext(role)["aws:PrincipalArn"]);
  const mfa: Context =
    role === "admin"
      ? {
          "aws:MultiFactorAuthPresent": "true",
          "aws:MultiFactorAuthAge": String(Math.min(60, t.adminMfaMaxAgeSeconds - 1)),
        }
      : { "aws:MultiFactorAuthPresent": "false" };
  const callerContext: Context = {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": caller,
    "aws:PrincipalAccount": t.accountId,
    "aws:PrincipalType": "User",
    "aws:username": userName,
    ...mfa,
  };
  const cells: HardeningCell[] = [];
  const cell = (
    capability: HardeningCapability,
    action: string,
    variant: string,
    context: Context,
    expected: "allow" | "deny",
  ) =>
    cells.push({
      capability,
      role,
      operations: [action === "sts:AssumeRole" ? "AssumeRole" : "AssumeRole (SourceIdentity)"],
      action,
      resource: roleArn,
      principal: caller,
      variant,
      // The session name is a key of AssumeRole only.
      context:
        action === "sts:AssumeRole" ? { ...context, "sts:RoleSessionName": userName } : context,
      expected,
    });

  const byUserName = trust.binding.includes("user_name");
  const byTag = trust.binding.includes("principal_tag");
  const ownName = { ...callerContext, "sts:SourceIdentity": userName };
  cell("sourceIdentity", "sts:AssumeRole", "own-user-name", ownName, byUserName ? "allow" : "deny");
  cell(
    "sourceIdentity",
    "sts:SetSourceIdentity",
    "own-user-name",
    ownName,
    byUserName ? "allow" : "deny",
  );
  for (const action of ["sts:AssumeRole", "sts:SetSourceIdentity"]) {
    cell(
      "sourceIdentity",
      action,
      "forged-source-identity",
      { ...callerContext, "sts:SourceIdentity": SOMEONE_ELSE },
      "deny",
    );
  }
  cell("sourceIdentity", "sts:AssumeRole", "no-source-identity", callerContext, "deny");
  if (byTag) {
    const tagKey = `aws:PrincipalTag/${trust.principalTag}`;
    const tagged = { ...callerContext, [tagKey]: TAGGED_PERSON };
    cell(
      "sourceIdentity",
      "sts:AssumeRole",
      "own-principal-tag",
      { ...tagged, "sts:SourceIdentity": TAGGED_PERSON },
      "allow",
    );
    cell(
      "sourceIdentity",
      "sts:AssumeRole",
      "forged-principal-tag",
      { ...tagged, "sts:SourceIdentity": SOMEONE_ELSE },
      "deny",
    );
  }
  if (role === "admin" && trust.adminMfaRequired) {
    const asThemselves: Context = byUserName
      ? ownName
      : {
          ...callerContext,
          [`aws:PrincipalTag/${trust.principalTag}`]: TAGGED_PERSON,
          "sts:SourceIdentity": TAGGED_PERSON,
        };
    cell(
      "staleMfa",
      "sts:AssumeRole",
      "stale-mfa",
      { ...asThemselves, "aws:MultiFactorAuthAge": String(t.adminMfaMaxAgeSeconds + 60) },
      "deny",
    );
    const { "aws:MultiFactorAuthAge": _age, ...withoutAge } = asThemselves;
    cell(
      "staleMfa",
      "sts:AssumeRole",
      "no-mfa",
      { ...withoutAge, "aws:MultiFactorAuthPresent": "false" },
      "deny",
    );
  }
  return cells;
}
