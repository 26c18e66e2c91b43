import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestOf } from "../../../../src/core/transfer/checksum.js";
import type { ObjectHead } from "../../../../src/core/transfer/transfer-types.js";
import {
  alignedPartSize,
  compositeParts,
  VerificationError,
  type VerifySource,
  verifyBytes,
  verifyStreamed,
} from "../../../../src/core/transfer/verify.js";

/*
 * Download verification without HTTP: S3's answers are plain values, the bytes
 * received a buffer. Each case is the bytes S3 vouches for, or one byte off.
 */

const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31) % 256));
const b64 = (b: Buffer) => b.toString("base64");
const sha = (b: Buffer) => createHash("sha256").update(b).digest();
const md5 = (b: Buffer) => createHash("md5").update(b).digest();

const head = (over: Partial<ObjectHead>): ObjectHead => ({
  size: data.length,
  etag: '"opaque"',
  versionId: null,
  checksumSha256: null,
  checksumType: null,
  crcs: {},
  sse: null,
  ...over,
});

/** Parts of `sizes` bytes; S3 answers part sizes from them. */
function source(h: ObjectHead, bytes: Buffer, sizes: number[] = [bytes.length]): VerifySource {
  const asked: number[] = [];
  return Object.assign(
    {
      key: "k",
      head: h,
      partSize: async (n: number) => {
        asked.push(n);
        return sizes[n - 1];
      },
      digest: async (algorithm: Parameters<VerifySource["digest"]>[0], s: number, l: number) =>
        digestOf(algorithm, bytes.subarray(s, s + l)),
    },
    { asked },
  );
}

const corrupt = () => {
  const bad = Buffer.from(data);
  bad[5000] = (bad[5000] ?? 0) ^ 1;
  return bad;
};

const composite = (alg: (b: Buffer) => Buffer, sizes: number[]) => {
  const digests: Buffer[] = [];
  let at = 0;
  for (const size of sizes) {
    digests.push(alg(data.subarray(at, at + size)));
    at += size;
  }
  return b64(alg(Buffer.concat(digests)));
};

describe("verifyBytes", () => {
  it("checks a full-object SHA-256 and refuses one byte off", async () => {
    const h = head({ checksumSha256: b64(sha(data)) });
    expect(await verifyBytes(source(h, data))).toBe("sha256");
    await expect(verifyBytes(source(h, corrupt()))).rejects.toThrow(VerificationError);
    await expect(verifyBytes(source(h, corrupt()))).rejects.toThrow(/do not match S3's SHA-256/);
  });

  it("checks a composite SHA-256 with the parts' sizes S3 reports, unequal parts too", async () => {
    const sizes = [4000, 3000, 3000];
    const h = head({ checksumSha256: `${composite(sha, sizes)}-3`, etag: '"x-3"' });
    const src = source(h, data, sizes);
    expect(await verifyBytes(src)).toBe("composite-sha256");
    // The equal-parts guess (4000, 4000, 2000) failed first, then each part was asked.
    expect((src as unknown as { asked: number[] }).asked).toEqual([1, 2, 3]);
    await expect(verifyBytes(source(h, corrupt(), sizes))).rejects.toThrow(/composite SHA-256/);
  });

  it("reads the part count from a multipart ETag when the checksum has no -N (moto)", async () => {
    const sizes = [5000, 5000];
    const h = head({ checksumSha256: composite(sha, sizes), etag: '"abc-2"' });
    expect(await verifyBytes(source(h, data, sizes))).toBe("composite-sha256");
  });

  it("falls back to a CRC when S3 holds no SHA-256", async () => {
    const value = b64(digestOf("crc64nvme", data));
    const h = head({ crcs: { crc64nvme: value } });
    expect(await verifyBytes(source(h, data))).toBe("crc64nvme");
    await expect(verifyBytes(source(h, corrupt()))).rejects.toThrow(/CRC64NVME/);
  });

  it("checks a composite CRC32C", async () => {
    const sizes = [5000, 5000];
    const crc32c = (b: Buffer) => digestOf("crc32c", b);
    const h = head({ crcs: { crc32c: `${composite(crc32c, sizes)}-2` }, etag: '"e-2"' });
    expect(await verifyBytes(source(h, data, sizes))).toBe("composite-crc32c");
  });

  it("uses a plain ETag as MD5, but never under SSE-KMS", async () => {
    const etag = `"${md5(data).toString("hex")}"`;
    expect(await verifyBytes(source(head({ etag }), data))).toBe("md5");
    await expect(verifyBytes(source(head({ etag }), corrupt()))).rejects.toThrow(/ETag \(MD5\)/);
    expect(await verifyBytes(source(head({ etag, sse: "aws:kms" }), corrupt()))).toBe("none");
  });

  it("checks a multipart ETag (MD5 of the parts' MD5s)", async () => {
    const sizes = [5000, 5000];
    const hex = Buffer.from(composite(md5, sizes), "base64").toString("hex");
    const h = head({ etag: `"${hex}-2"` });
    expect(await verifyBytes(source(h, data, sizes))).toBe("composite-md5");
  });

  it("says none when nothing can be compared, and cannot tell when part sizes don't add up", async () => {
    expect(await verifyBytes(source(head({}), data))).toBe("none");
    const h = head({ checksumSha256: "AAAA-2", etag: '"e-2"' });
    expect(await verifyBytes(source(h, data, [1000, 1000]))).toBe("none");
  });
});

describe("verifyStreamed", () => {
  it("decides from streamed digests when the ranges are the parts", () => {
    const sizes = [5000, 5000];
    const h = head({ checksumSha256: `${composite(sha, sizes)}-2` });
    const digests = new Map([
      [0, b64(sha(data.subarray(0, 5000)))],
      [1, b64(sha(data.subarray(5000)))],
    ]);
    expect(verifyStreamed(h, 5000, 2, digests, "k")).toBe("composite-sha256");
    // A missing digest (a resumed range without one) leaves it to verifyBytes.
    expect(verifyStreamed(h, 5000, 2, new Map([[0, "x"]]), "k")).toBeUndefined();
  });

  it("refuses a single range whose SHA-256 differs", () => {
    const h = head({ checksumSha256: b64(sha(data)) });
    expect(verifyStreamed(h, undefined, 1, new Map([[0, b64(sha(data))]]), "k")).toBe("sha256");
    expect(() => verifyStreamed(h, undefined, 1, new Map([[0, b64(sha(corrupt()))]]), "k")).toThrow(
      VerificationError,
    );
  });
});

describe("part alignment", () => {
  it("counts composite parts from the checksum, else a multipart ETag unless FULL_OBJECT", () => {
    expect(compositeParts(head({ checksumSha256: "x-3" }))).toBe(3);
    expect(compositeParts(head({ checksumSha256: "x", etag: '"e-4"' }))).toBe(4);
    expect(
      compositeParts(head({ checksumSha256: "x", etag: '"e-4"', checksumType: "FULL_OBJECT" })),
    ).toBeUndefined();
    expect(compositeParts(head({}))).toBeUndefined();
  });

  it("aligns ranges on equal parts only", async () => {
    const h = head({ checksumSha256: "x-2" });
    expect(await alignedPartSize(h, async () => 5000)).toBe(5000);
    expect(await alignedPartSize(h, async () => 3000)).toBeUndefined();
    expect(await alignedPartSize(h, async () => undefined)).toBeUndefined();
  });
});
