import { StrongboxError } from "../errors.js";
import { quoteKey } from "../text/printable.js";
import { compositeChecksum, toBase64 } from "./checksum.js";
import { CRCS } from "./transfer-types.js";
/**
 * Download verification: the bytes received against what S3 knows of the
 * object. No HTTP here: S3's answers come in through `VerifySource`, so the
 * decisions are tested with plain values (test/unit/core/transfer/verify.test.ts).
 */
/** The bytes do not match S3's checksum (or none can be compared, under --require-checksum): the partial goes. */
export class VerificationError extends StrongboxError {
}
const mismatch = (key, what) => new VerificationError("failed", `The downloaded bytes of "${key}" do not match S3's ${what}; the partial file was removed.`, { hint: "Run the command again." });
/** Parts behind a composite checksum ("…-N", or a multipart ETag when the server omits the -N). */
export function compositeParts(head) {
    const stored = head.checksumSha256;
    if (!stored)
        return undefined;
    const fromChecksum = /-(\d+)$/.exec(stored)?.[1];
    const fromEtag = /-(\d+)"?$/.exec(head.etag)?.[1];
    const count = Number(fromChecksum ?? (head.checksumType === "FULL_OBJECT" ? undefined : fromEtag));
    return Number.isInteger(count) && count > 0 ? count : undefined;
}
/** Ranges bigger than this are not worth aligning (each is buffered up to its size). */
const MAX_ALIGNED_PART = 64 * 1024 * 1024;
/** The part size, when S3's checksum is composite and the parts are equal (the usual case), else undefined. */
export async function alignedPartSize(head, partSize) {
    const count = compositeParts(head);
    if (count === undefined || count < 2)
        return undefined;
    const first = await partSize(1);
    if (first === undefined || first <= 0 || first > MAX_ALIGNED_PART)
        return undefined;
    return Math.ceil(head.size / first) === count ? first : undefined;
}
/**
 * Verification from the SHA-256 digests taken while the bytes streamed in.
 * Returns undefined when they can't decide (then the bytes are read again): a
 * resumed range without a digest, or parts that were not equal after all.
 */
export function verifyStreamed(head, aligned, chunkCount, digests, key) {
    const stored = head.checksumSha256;
    if (!stored)
        return undefined;
    const all = [];
    for (let i = 0; i < chunkCount; i++) {
        const digest = digests.get(i);
        if (digest === undefined)
            return undefined;
        all.push(Buffer.from(digest, "base64"));
    }
    if (aligned !== undefined) {
        const expected = stored.split("-")[0];
        return toBase64(compositeChecksum("sha256", all)) === expected ? "composite-sha256" : undefined;
    }
    if (chunkCount === 1 && compositeParts(head) === undefined) {
        if (all[0]?.toString("base64") !== stored)
            throw mismatch(key, "SHA-256");
        return "sha256";
    }
    return undefined;
}
/** Compare the bytes received with what S3 knows about the object, strongest checksum first. */
export async function verifyBytes(source) {
    const { head, key } = source;
    const stored = head.checksumSha256;
    // A multipart object (ETag "…-N") carries a composite checksum; some servers
    // (moto) omit the "-N" and the type, so the ETag decides.
    const etagParts = /-(\d+)"?$/.exec(head.etag)?.[1];
    const composite = stored !== null &&
        (stored.includes("-") || head.checksumType === "COMPOSITE" || etagParts !== undefined);
    if (stored && !composite) {
        if (toBase64(await source.digest("sha256", 0, head.size)) !== stored)
            throw mismatch(key, "SHA-256");
        return "sha256";
    }
    if (stored && composite) {
        const [digest, count] = stored.split("-");
        const parts = Number(count ?? etagParts);
        const result = await checkComposite(source, "sha256", digest ?? "", parts);
        if (result === false)
            throw mismatch(key, "composite SHA-256");
        if (result === true)
            return "composite-sha256";
    }
    for (const crc of CRCS) {
        const value = head.crcs[crc];
        if (value === undefined)
            continue;
        const [digest, count] = value.split("-");
        const composite = count !== undefined || (head.checksumType === "COMPOSITE" && etagParts !== undefined);
        if (!composite) {
            if (toBase64(await source.digest(crc, 0, head.size)) !== digest)
                throw mismatch(key, crc.toUpperCase());
            return crc;
        }
        if (crc === "crc64nvme")
            continue; // S3 keeps CRC64NVME as a full-object checksum only
        const parts = Number(count ?? etagParts);
        const result = await checkComposite(source, crc, digest ?? "", parts);
        if (result === false)
            throw mismatch(key, `composite ${crc.toUpperCase()}`);
        if (result === true)
            return `composite-${crc}`;
    }
    // With SSE-KMS the ETag is not an MD5 of the data: nothing to compare.
    if (head.sse === "aws:kms" || head.sse === "aws:kms:dsse")
        return "none";
    const etag = head.etag.replace(/"/g, "");
    if (/^[0-9a-f]{32}$/.test(etag)) {
        if ((await source.digest("md5", 0, head.size)).toString("hex") !== etag)
            throw mismatch(key, "ETag (MD5)");
        return "md5";
    }
    const multipart = /^([0-9a-f]{32})-(\d+)$/.exec(etag);
    if (multipart) {
        const hex = Buffer.from(multipart[1] ?? "", "hex").toString("base64");
        const result = await checkComposite(source, "md5", hex, Number(multipart[2]));
        if (result === false)
            throw mismatch(key, "ETag (MD5 of parts)");
        if (result === true)
            return "composite-md5";
    }
    return "none";
}
/**
 * A multipart checksum needs the part boundaries. Most uploaders use equal
 * parts, so part 1's size usually tells them all; only when that guess fails
 * are the parts' sizes asked one by one (so a wrong guess never condemns good bytes).
 * Returns true (match), false (mismatch) or undefined (cannot tell).
 */
async function checkComposite(source, algorithm, expected, count) {
    const { head } = source;
    if (!Number.isInteger(count) || count < 1 || count > 10_000)
        return undefined;
    const first = await source.partSize(1);
    if (first === undefined || first <= 0)
        return undefined;
    const guess = Array.from({ length: count }, (_, i) => Math.min(first, head.size - i * first));
    if (guess.every((s) => s > 0) && guess.reduce((a, b) => a + b, 0) === head.size) {
        if ((await compositeOf(source, algorithm, guess)) === expected)
            return true;
    }
    const sizes = [first];
    for (let n = 2; n <= count; n++) {
        const size = await source.partSize(n);
        if (size === undefined)
            return undefined;
        sizes.push(size);
    }
    if (sizes.reduce((a, b) => a + b, 0) !== head.size)
        return undefined;
    return (await compositeOf(source, algorithm, sizes)) === expected;
}
async function compositeOf(source, algorithm, sizes) {
    const digests = [];
    let start = 0;
    for (const size of sizes) {
        digests.push(await source.digest(algorithm, start, size));
        start += size;
    }
    return toBase64(compositeChecksum(algorithm, digests));
}
/** Under --require-checksum, a download S3 holds no comparable checksum for fails (and keeps no file). */
export function requireChecksumError(key) {
    return new VerificationError("failed", `S3 holds no checksum of ${quoteKey(key)} that its bytes can be compared with (--require-checksum); the partial file was removed.`, { hint: "Download it without --require-checksum to accept a size check only." });
}
