import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createCrc } from "../../../../src/core/transfer/crc.js";
import { downloadObject } from "../../../../src/core/transfer/download.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import { clock, objectTransport, presigner, workdir } from "./download-fixtures.js";

describe("downloads verify with the checksum the object carries", () => {
  const data = Buffer.alloc(3 * MiB + 77);
  for (let i = 0; i < data.length; i += 999) data[i] = i % 253;
  const crc = (algorithm: "crc32" | "crc32c" | "crc64nvme", bytes: Buffer) => {
    const c = createCrc(algorithm);
    c.update(bytes);
    return c.digest().toString("base64");
  };
  const md5Hex = createHash("md5").update(data).digest("hex");

  it.each(["crc64nvme", "crc32c", "crc32"] as const)(
    "an object with only a %s checksum is verified by it, and a wrong one fails with no file left",
    async (algorithm) => {
      const dir = await workdir();
      const header = `x-amz-checksum-${algorithm}`;
      const good = objectTransport(data, {
        head: { [header]: crc(algorithm, data), "x-amz-checksum-type": "FULL_OBJECT" },
      });
      const ok = await downloadObject(
        { presigner, transport: good, clock },
        { bucket: "b", key: "k", out: `${dir}/ok.bin` },
      );
      expect(ok.verified).toBe(algorithm);
      expect((await readFile(ok.path)).equals(data)).toBe(true);
      const bad = objectTransport(data, {
        corrupt: true,
        head: { [header]: crc(algorithm, data) },
      });
      const error = await downloadObject(
        { presigner, transport: bad, clock },
        { bucket: "b", key: "k", out: `${dir}/bad.bin` },
      ).catch((e: unknown) => e);
      expect((error as Error).message).toContain(`do not match S3's ${algorithm.toUpperCase()}`);
      expect(await readdir(dir)).toEqual(["ok.bin"]);
    },
  );

  it("a composite CRC32C (multipart, '-N') is checked part by part", async () => {
    const part = MiB;
    const parts = [0, 1, 2, 3].map((i) =>
      data.subarray(i * part, Math.min(data.length, (i + 1) * part)),
    );
    const digests = parts.map((p) => {
      const c = createCrc("crc32c");
      c.update(p);
      return c.digest();
    });
    const outer = createCrc("crc32c");
    outer.update(Buffer.concat(digests));
    const dir = await workdir();
    const transport = objectTransport(data, {
      partSize: part,
      head: {
        "x-amz-checksum-crc32c": `${outer.digest().toString("base64")}-4`,
        "x-amz-checksum-type": "COMPOSITE",
        etag: '"0123456789abcdef0123456789abcdef-4"',
      },
    });
    const r = await downloadObject(
      { presigner, transport, clock },
      { bucket: "b", key: "k", out: `${dir}/c.bin` },
    );
    expect(r.verified).toBe("composite-crc32c");
  });

  it("an object with no checksum and an SSE-KMS ETag: 'none' by default, a failure with --require-checksum (no file)", async () => {
    const dir = await workdir();
    const loose = await downloadObject(
      { presigner, transport: objectTransport(data), clock },
      { bucket: "b", key: "k", out: `${dir}/loose.bin` },
    );
    expect(loose.verified).toBe("none");
    const error = await downloadObject(
      { presigner, transport: objectTransport(data), clock },
      { bucket: "b", key: "k", out: `${dir}/strict.bin`, requireChecksum: true },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/no checksum of "k" .*--require-checksum/);
    expect(await readdir(dir)).toEqual(["loose.bin"]);
  });

  it("a plain MD5 ETag (no SSE-KMS) verifies, and a truncated or wrong answer never yields 'verified'", async () => {
    const dir = await workdir();
    const plain = { etag: `"${md5Hex}"`, "x-amz-server-side-encryption": "AES256" };
    const ok = await downloadObject(
      { presigner, transport: objectTransport(data, { head: plain }), clock },
      { bucket: "b", key: "k", out: `${dir}/md5.bin`, requireChecksum: true },
    );
    expect(ok.verified).toBe("md5");
    const wrongEtag = { ...plain, etag: '"ffffffffffffffffffffffffffffffff"' };
    const error = await downloadObject(
      { presigner, transport: objectTransport(data, { head: wrongEtag }), clock },
      { bucket: "b", key: "k", out: `${dir}/wrong.bin` },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/do not match S3's ETag \(MD5\)/);
    expect(await readdir(dir)).toEqual(["md5.bin"]);
  });
});
