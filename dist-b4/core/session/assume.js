import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { mapAwsError } from "../aws-errors.js";
import { createStsClient } from "../clients.js";
import { StrongboxError } from "../errors.js";
import { baseIdentity, profileMfaOf, profileNameOf, } from "./base-identity.js";
import { sourceIdentityFromArn } from "./source-identity.js";
/** STS refuses sessions shorter than 15 minutes. */
export const MIN_SESSION_SECONDS = 900;
export const DEFAULT_SESSION_SECONDS = 3600;
/**
 * A RoleSessionName / SourceIdentity from the caller's ARN: the user name
 * (or session name for an assumed role), reduced to STS's alphabet
 * [\w+=,.@-] and 2..64 characters.
 */
export function sessionNameFromArn(callerArn) {
    const resource = callerArn.split(":").slice(5).join(":");
    const parts = resource.split("/");
    const kind = parts[0] ?? "";
    let name;
    if (kind === "assumed-role")
        name = parts.slice(2).join("/") || (parts[1] ?? "");
    else if (parts.length > 1)
        name = parts.at(-1) ?? "";
    else
        name = kind; // "root"
    let clean = name.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
    // SourceIdentity may not start with "aws:"; ":" is already gone, keep "aws-" harmless.
    if (clean.length < 2)
        clean = `strongbox-${clean || "user"}`.slice(0, 64);
    return clean;
}
/**
 * sts:AssumeRole into the configured role as the calling person: session name
 * and SourceIdentity from GetCallerIdentity, MFA when the role needs it
 * (Admin with adminMfaRequired), when the profile has an mfa_serial, or when
 * a code was given. With an MFA cache, the code makes an MFA session
 * (GetSessionToken) that later AssumeRoles reuse while it lives; one that
 * STS no longer accepts is dropped and a code asked again.
 */
export async function assumeRoleSession(req) {
    const { config, role } = req;
    const now = req.now ?? Date.now;
    const duration = req.durationSeconds ?? Math.min(DEFAULT_SESSION_SECONDS, config.maxSessionSeconds);
    if (duration < MIN_SESSION_SECONDS) {
        throw new StrongboxError("usage", `--duration must be at least 15m (STS minimum), not ${duration}s`);
    }
    if (duration > config.maxSessionSeconds) {
        throw new StrongboxError("usage", `--duration ${duration}s is longer than the roles' maximum session of ${config.maxSessionSeconds}s`, { hint: `use --duration ${Math.floor(config.maxSessionSeconds / 60)}m or less` });
    }
    const chain = req.baseCredentials ??
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
    const baseRequest = {
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
    };
    const base = await baseIdentity(baseRequest);
    try {
        return await assumeAs(req, base, duration, sts, chain);
    }
    catch (err) {
        if (base.fromCache === undefined || !isRefusedCredentials(err))
            throw err;
        // The cached MFA session is no longer valid (revoked keys, a changed clock): drop it, ask again.
        await req.mfaCache?.delete(profileName);
        req.onDecision?.(`STS refused the cached MFA session of profile ${profileName} (${err.name}): removed it, asking for a new code`);
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
const isRefusedCredentials = (err) => REFUSED.has(err?.name ?? "") ||
    REFUSED.has(err?.cause?.name ?? "");
async function assumeAs(req, base, duration, chainSts, chain) {
    const { config, role } = req;
    const roleArn = config.roles[role];
    const now = req.now ?? Date.now;
    const callerArn = base.callerArn;
    const sessionName = sessionNameFromArn(callerArn);
    const sourceIdentity = sourceIdentityFromArn(callerArn);
    req.onDecision?.(`base identity ${callerArn} → session name ${sessionName}, SourceIdentity ${sourceIdentity}`);
    const sts = base.credentials === chain ? chainSts : createStsClient(config, base.credentials);
    const mfa = base.assumeRoleMfa;
    const createdAt = new Date(now());
    try {
        const out = await sts.send(new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            SourceIdentity: sourceIdentity,
            DurationSeconds: duration,
            ...(mfa ?? {}),
        }), req.signal === undefined ? undefined : { abortSignal: req.signal });
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
    }
    catch (err) {
        if (err instanceof StrongboxError)
            throw err;
        if (base.fromCache !== undefined && isRefusedCredentials(err))
            throw err; // the caller retries
        const mapped = mapAwsError(err, { action: "AssumeRole", role });
        if (mapped.kind === "access-denied") {
            const withMfa = base.fromCache !== undefined
                ? ` with the MFA session cached at ${base.fromCache.createdAt.toISOString()}`
                : base.mfaAt === undefined
                    ? ""
                    : " with this MFA code";
            throw new StrongboxError("access-denied", `${callerArn} may not assume role ${role} (${roleArn})${withMfa}`, {
                hint: base.fromCache !== undefined
                    ? "run `strongbox logout` and log in again to type a new MFA code"
                    : base.mfaAt === undefined && role === "admin"
                        ? "the admin role may require MFA: retry with --mfa-code"
                        : "ask an admin to add you to the role's trusted principals (Terraform variable)",
                cause: err,
            });
        }
        throw mapped;
    }
}
