import { displayKey } from "../../core/text/printable.js";
export function warnUnverified(deps, r) {
    if (r.verified === "none")
        deps.log.warn(`S3 holds no checksum for ${displayKey(r.key)} that can be compared (SSE-KMS ETag): size checked only (--require-checksum makes this a failure).`);
}
export const toJson = (r, path = r.path) => ({
    key: r.key,
    versionId: r.versionId,
    path,
    size: r.size,
    checksum: r.checksum,
    verified: r.verified,
    resumed: r.resumed,
    seconds: Math.round(r.seconds * 1000) / 1000,
});
