export function summarizeSession(session, nowMs) {
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
export const mfaAgeSeconds = (session, nowMs) => session.mfaAuthenticated
    ? Math.floor((nowMs - (session.mfaAuthenticatedAt ?? session.createdAt).getTime()) / 1000)
    : undefined;
