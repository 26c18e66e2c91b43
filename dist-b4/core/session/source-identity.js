import { StrongboxError } from "../errors.js";
/** What STS accepts as a SourceIdentity: 2-64 of [\w+=,.@-]. */
const VALID = /^[\w+=,.@-]{2,64}$/;
/**
 * The SourceIdentity the roles' trust policies accept for this caller
 * (the module's source_identity_binding), sent exactly, never adjusted:
 *
 * - an IAM user (`…:user/path/NAME`): NAME, which the `user_name` binding
 *   compares with `${aws:username}`;
 * - an assumed-role or IAM Identity Center session
 *   (`…:assumed-role/ROLE/SESSION`) or a federated user (`…:federated-user/NAME`):
 *   the session (or federated) name, which the `principal_tag` binding compares
 *   with the caller's principal tag: an administrator maps that tag to the same
 *   value (for SSO, the user name that also becomes the session name).
 *
 * Anything that STS would refuse, or that no binding can match (the account
 * root), is a clear error before any request.
 */
export function sourceIdentityFromArn(callerArn) {
    const resource = callerArn.split(":").slice(5).join(":");
    const [kind = "", ...rest] = resource.split("/");
    let name;
    if (kind === "user" || kind === "federated-user")
        name = rest.at(-1) ?? "";
    else if (kind === "assumed-role")
        name = rest.slice(1).join("/");
    else {
        throw new StrongboxError("credentials", `${callerArn} cannot act through a Strongbox role: a role session records the person (SourceIdentity), and this identity has no user or session name`, { hint: "sign in as your own IAM user or through SSO (AWS_PROFILE / --profile)" });
    }
    if (!VALID.test(name)) {
        throw new StrongboxError("credentials", `your ${kind === "user" ? "IAM user name" : "session name"} cannot be a SourceIdentity (STS takes 2-64 letters, digits and _+=,.@-), and the roles accept only that name`, {
            hint: kind === "user"
                ? "use an IAM user whose name has 2-64 of those characters, or ask an admin for the principal-tag binding"
                : "start the session with a RoleSessionName of 2-64 of those characters",
        });
    }
    return name;
}
