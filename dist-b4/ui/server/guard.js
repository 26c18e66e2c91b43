import { randomBytes, timingSafeEqual } from "node:crypto";
/** The header every API call carries the launch token in (never a cookie). */
export const TOKEN_HEADER = "x-strongbox-token";
/** A fresh 256-bit token per launch, URL-safe (it travels in the page's fragment). */
export function newToken() {
    return randomBytes(32).toString("base64url");
}
const header = (req, name) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
};
export const originOf = (port) => `http://127.0.0.1:${port}`;
const SAFE_METHODS = new Set(["GET", "HEAD"]);
/**
 * Decides whether a request may be served, before any work is done:
 * - Host must be exactly 127.0.0.1:<port> (a rebound DNS name never matches);
 * - a present Origin must be exactly the page's own;
 * - /api/ needs the launch token in its header, and state-changing calls need
 *   the exact Origin and a JSON body (a cross-site form cannot send either).
 */
export function checkRequest(req, settings) {
    const own = originOf(settings.port);
    if (header(req, "host") !== `127.0.0.1:${settings.port}`) {
        return { ok: false, status: 421, reason: "unexpected Host header" };
    }
    const origin = header(req, "origin");
    if (origin !== undefined && origin !== own) {
        return { ok: false, status: 403, reason: "foreign Origin" };
    }
    if (!req.path.startsWith("/api/")) {
        return SAFE_METHODS.has(req.method)
            ? { ok: true }
            : { ok: false, status: 405, reason: "method not allowed" };
    }
    if (!tokenMatches(header(req, TOKEN_HEADER), settings.token)) {
        return { ok: false, status: 401, reason: "missing or wrong token" };
    }
    if (SAFE_METHODS.has(req.method))
        return { ok: true };
    if (req.method !== "POST")
        return { ok: false, status: 405, reason: "method not allowed" };
    if (origin !== own)
        return { ok: false, status: 403, reason: "missing Origin" };
    const type = (header(req, "content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
        return { ok: false, status: 415, reason: "content type must be application/json" };
    }
    return { ok: true };
}
function tokenMatches(given, token) {
    if (given === undefined)
        return false;
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
}
/**
 * Headers on every response. The CSP lets the page talk only to itself and to
 * the bucket's endpoint (where it PUTs parts and GETs objects); nothing inline.
 */
export function securityHeaders(bucketOrigin) {
    const csp = [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        `connect-src 'self' ${bucketOrigin}`,
        "worker-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ].join("; ");
    return {
        "content-security-policy": csp,
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
    };
}
/** A signed URL as it may be logged: the signature, credential and session token removed. */
export function unsignedForLog(url) {
    const parsed = new URL(url);
    for (const name of [...parsed.searchParams.keys()]) {
        if (/^x-amz-(signature|credential|security-token)$/i.test(name)) {
            parsed.searchParams.delete(name);
        }
    }
    return parsed.toString();
}
