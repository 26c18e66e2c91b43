import { StrongboxError } from "./errors.js";
import { createQuerySigner, uriEncode } from "./sigv4.js";
/** SigV4 refuses pre-signed URLs valid for more than a week. */
export const SIGV4_MAX_EXPIRY_SECONDS = 7 * 24 * 3600;
/** Seconds a URL may live: the wish, capped by SigV4's week and the credentials' own expiry. */
export function clampExpiry(wishSeconds, nowMs, credentialsExpiration) {
    let seconds = Math.min(Math.floor(wishSeconds), SIGV4_MAX_EXPIRY_SECONDS);
    if (credentialsExpiration !== undefined) {
        const remaining = Math.floor((credentialsExpiration.getTime() - nowMs) / 1000);
        seconds = Math.min(seconds, remaining);
    }
    return { seconds, clamped: seconds < Math.floor(wishSeconds) };
}
/**
 * Signs S3 requests locally (no network) with SigV4 query signing (sigv4.ts). The URL is
 * the bucket's base (endpoint, path or virtual-hosted style: `bucketBase`)
 * plus the key; the request's method, query and headers are exactly what the
 * caller asked, so every request kind (PUT, UploadPart, ListParts, Complete,
 * ranged GET…) is signed the same way. Caller headers stay signed headers
 * (never hoisted into the query): `x-amz-checksum-*` is then a header S3 checks
 * against the body. No SDK client is built: a transfer signs thousands of URLs
 * (issue 14: ≥ 10,000 per second on one core) and loads no SDK for it.
 */
export function createPresigner(ctx) {
    const now = ctx.now ?? Date.now;
    const { credentials, config } = ctx;
    const base = bucketBase(config);
    const sign = createQuerySigner({
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    }, config.region);
    return {
        async sign(req) {
            if (req.key === "")
                throw new StrongboxError("usage", "An object key cannot be empty.");
            const signingDate = new Date(now());
            const { seconds } = clampExpiry(req.expiresInSeconds, signingDate.getTime(), credentials.expiration);
            if (seconds < 1) {
                throw new StrongboxError("credentials", "The role session has expired.", {
                    hint: "Run `strongbox login` again.",
                });
            }
            const headers = lowerCaseKeys(req.headers ?? {});
            const url = sign({
                method: req.method,
                origin: base.origin,
                host: base.host,
                path: req.key === null ? base.path : `${base.path}${objectPath(req.key)}`,
                query: req.query ?? {},
                headers,
                date: signingDate,
                expiresInSeconds: seconds,
            });
            return { url, headers, expiresAt: new Date(signingDate.getTime() + seconds * 1000) };
        },
    };
}
/**
 * The S3 addressing rules the SDK applies for Strongbox's config shapes:
 * virtual-hosted `https://BUCKET.s3.REGION.amazonaws.com[.cn]/` when the bucket
 * is a DNS label, path style otherwise or when `forcePathStyle` is set; a
 * configured endpoint (emulators) takes the place of the AWS host. The unit
 * tests hold this to the SDK's own URLs.
 */
export function bucketBase(config) {
    const suffix = config.region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
    const endpoint = new URL(config.endpoint ?? `https://s3.${config.region}.${suffix}`);
    const secure = endpoint.protocol === "https:";
    const virtual = !config.forcePathStyle &&
        (secure ? DNS_LABEL.test(config.bucket) : DNS_NAME.test(config.bucket)) &&
        !/^\d+\.\d+\.\d+\.\d+$/.test(config.bucket);
    const hostname = virtual ? `${config.bucket}.${endpoint.hostname}` : endpoint.hostname;
    const port = endpoint.port === "" ? undefined : Number(endpoint.port);
    const host = port === undefined ? hostname : `${hostname}:${port}`;
    const prefix = endpoint.pathname.replace(/\/+$/, "");
    return {
        protocol: endpoint.protocol,
        hostname,
        ...(port === undefined ? {} : { port }),
        host,
        origin: `${endpoint.protocol}//${host}`,
        path: virtual ? `${prefix}/` : `${prefix}/${uriEncode(config.bucket)}/`,
    };
}
/** A bucket name that can be one DNS label (no dots: TLS certificates cover one level). */
const DNS_LABEL = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** Over plain HTTP, dotted names work as host names too. */
const DNS_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** The key as S3 expects it in a path: each segment encoded, "/" kept. */
export const objectPath = (key) => key.split("/").map(uriEncode).join("/");
function lowerCaseKeys(headers) {
    const out = {};
    for (const [name, value] of Object.entries(headers))
        out[name.toLowerCase()] = value;
    return out;
}
