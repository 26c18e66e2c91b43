/** The person a forged SourceIdentity claims to be. */
const SOMEONE_ELSE = "mallory";
const TAGGED_PERSON = "carol@example.com";
/** The trust-policy cells of one role: who may assume it, as whom, with which MFA. */
export function trustCells(t, trust, role) {
    const caller = trust.callers[role];
    const userName = caller.slice(caller.lastIndexOf("/") + 1);
    const roleArn = String(t.sessionContext(role)["aws:PrincipalArn"]);
    const mfa = role === "admin"
        ? {
            "aws:MultiFactorAuthPresent": "true",
            "aws:MultiFactorAuthAge": String(Math.min(60, t.adminMfaMaxAgeSeconds - 1)),
        }
        : { "aws:MultiFactorAuthPresent": "false" };
    const callerContext = {
        "aws:SecureTransport": "true",
        "aws:PrincipalArn": caller,
        "aws:PrincipalAccount": t.accountId,
        "aws:PrincipalType": "User",
        "aws:username": userName,
        ...mfa,
    };
    const cells = [];
    const cell = (capability, action, variant, context, expected) => cells.push({
        capability,
        role,
        operations: [action === "sts:AssumeRole" ? "AssumeRole" : "AssumeRole (SourceIdentity)"],
        action,
        resource: roleArn,
        principal: caller,
        variant,
        // The session name is a key of AssumeRole only.
        context: action === "sts:AssumeRole" ? { ...context, "sts:RoleSessionName": userName } : context,
        expected,
    });
    const byUserName = trust.binding.includes("user_name");
    const byTag = trust.binding.includes("principal_tag");
    const ownName = { ...callerContext, "sts:SourceIdentity": userName };
    cell("sourceIdentity", "sts:AssumeRole", "own-user-name", ownName, byUserName ? "allow" : "deny");
    cell("sourceIdentity", "sts:SetSourceIdentity", "own-user-name", ownName, byUserName ? "allow" : "deny");
    for (const action of ["sts:AssumeRole", "sts:SetSourceIdentity"]) {
        cell("sourceIdentity", action, "forged-source-identity", { ...callerContext, "sts:SourceIdentity": SOMEONE_ELSE }, "deny");
    }
    cell("sourceIdentity", "sts:AssumeRole", "no-source-identity", callerContext, "deny");
    if (byTag) {
        const tagKey = `aws:PrincipalTag/${trust.principalTag}`;
        const tagged = { ...callerContext, [tagKey]: TAGGED_PERSON };
        cell("sourceIdentity", "sts:AssumeRole", "own-principal-tag", { ...tagged, "sts:SourceIdentity": TAGGED_PERSON }, "allow");
        cell("sourceIdentity", "sts:AssumeRole", "forged-principal-tag", { ...tagged, "sts:SourceIdentity": SOMEONE_ELSE }, "deny");
    }
    if (role === "admin" && trust.adminMfaRequired) {
        const asThemselves = byUserName
            ? ownName
            : {
                ...callerContext,
                [`aws:PrincipalTag/${trust.principalTag}`]: TAGGED_PERSON,
                "sts:SourceIdentity": TAGGED_PERSON,
            };
        cell("staleMfa", "sts:AssumeRole", "stale-mfa", { ...asThemselves, "aws:MultiFactorAuthAge": String(t.adminMfaMaxAgeSeconds + 60) }, "deny");
        const { "aws:MultiFactorAuthAge": _age, ...withoutAge } = asThemselves;
        cell("staleMfa", "sts:AssumeRole", "no-mfa", { ...withoutAge, "aws:MultiFactorAuthPresent": "false" }, "deny");
    }
    return cells;
}
