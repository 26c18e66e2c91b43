/**
 * Secrets out of text bound for a log, an error or --json output. Node-free.
 */
const SIGNED_QUERY = /([?&](?:X-Amz-(?:Signature|Credential|Security-Token)|Signature|AWSAccessKeyId|x-amz-security-token)=)[^&\s"'<>]*/gi;
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/g;
const AUTH_HEADER = /(\bAuthorization["']?\s*[:=]\s*["']?)[^\n"']*/gi;
/**
 * Removes secrets from text bound for a log or an error: signature, credential
 * and token parameters of pre-signed URLs, access key ids, Authorization
 * headers, and any `secrets` passed (secret keys, session tokens) verbatim.
 */
export function redact(text, secrets = []) {
    let out = text;
    for (const secret of secrets) {
        if (secret !== undefined && secret.length >= 8)
            out = out.split(secret).join("[REDACTED]");
    }
    return out
        .replace(SIGNED_QUERY, "$1[REDACTED]")
        .replace(ACCESS_KEY_ID, "[REDACTED-KEY-ID]")
        .replace(AUTH_HEADER, "$1[REDACTED]");
}
