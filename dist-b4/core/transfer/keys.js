import { sep } from "node:path";
import { StrongboxError } from "../errors.js";
export const MAX_KEY_BYTES = 1024;
/** An S3 key we are willing to write: not empty, ≤ 1024 bytes of UTF-8, no control characters. */
export function validateKey(key) {
    if (key.length === 0)
        throw new StrongboxError("usage", "An object key cannot be empty.");
    const bytes = Buffer.byteLength(key, "utf8");
    if (bytes > MAX_KEY_BYTES) {
        throw new StrongboxError("usage", `The key is ${bytes} bytes of UTF-8; S3 allows at most 1024.`);
    }
    // Control characters can't be listed back through S3's XML API.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
    if (/[\u0000-\u001f\u007f]/.test(key)) {
        throw new StrongboxError("usage", "An object key cannot contain control characters.");
    }
    if (/\p{Cs}/u.test(key)) {
        throw new StrongboxError("usage", "The key is not valid Unicode (a lone surrogate).");
    }
    // WHATWG URLs (hence every HTTP client) collapse "/./" and "/../" in a path, so
    // such a key cannot travel in a pre-signed URL intact; it is also hostile on download.
    if (hasDotSegments(key)) {
        throw new StrongboxError("usage", 'An object key cannot contain "." or ".." path segments.');
    }
    return key;
}
/** Key of a file found under a directory being uploaded: prefix + relative POSIX path. */
export function keyFor(prefix, relativePath) {
    const posix = relativePath
        .split(sep)
        .filter((s) => s.length > 0)
        .join("/");
    return validateKey(`${prefix}${posix}`);
}
export const hasDotSegments = (key) => key.split("/").some((s) => s === "." || s === "..");
