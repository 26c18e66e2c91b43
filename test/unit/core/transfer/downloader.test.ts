import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downloadObject } from "../../../../src/core/transfer/download.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import { clock, objectTransport, presigner, sha256, workdir } from "./download-fixtures.js";

describe("downloader (fake transport)", () => {
  it("fetches parallel ranges pinned to the version, verifies SHA-256 and renames into place", async () => {
    const data = Buffer.alloc(10 * MiB + 3);
    for (let i = 0; i < data.length; i += 4096) data[i] = i % 251;
    const transport = objectTransport(data, { checksum: sha256(data), failRangeStart: 4 * MiB });
    const dir = await workdir();
    const result = await downloadObject(
      { presigner, transport, clock },
      {
        bucket: "b",
        key: "x/data.bin",
        out: `${dir}/`,
        chunkSize: 2 * MiB,
        threshold: 5 * MiB,
        concurrency: 3,
      },
    );
    expect(result).toMatchObject({
      path: join(dir, "x", "data.bin"),
      size: data.length,
      verified: "sha256",
    });
    expect((await readFile(result.path)).equals(data)).toBe(true);
    const gets = transport.requests.filter((r) => r.method === "GET");
    expect(gets.length).toBe(6 + 1); // 6 ranges, one retried after a 500
    expect(gets.every((r) => r.url.includes("versionId=v1"))).toBe(true);
    expect(await readdir(join(dir, "x"))).toEqual(["data.bin"]);
  });

  it("multipart object: ranges follow the parts and the composite SHA-256 is checked as they stream", async () => {
    const part = 3 * MiB;
    const data = Buffer.alloc(8 * MiB);
    for (let i = 0; i < data.length; i += 1000) data[i] = (i / 1000) % 256;
    const digests = [0, 1, 2].map((i) =>
      createHash("sha256")
        .update(data.subarray(i * part, Math.min(data.length, (i + 1) * part)))
        .digest(),
    );
    const composite = `${createHash("sha256").update(Buffer.concat(digests)).digest("base64")}-3`;
    const transport = objectTransport(data, { checksum: composite, partSize: part });
    const dir = await workdir();
    const result = await downloadObject(
      { presigner, transport, clock },
      {
        bucket: "b",
        key: "mp.bin",
        out: join(dir, "mp.bin"),
        chunkSize: 2 * MiB,
        threshold: 5 * MiB,
      },
    );
    expect(result.verified).toBe("composite-sha256");
    const ranges = transport.requests.filter((r) => r.method === "GET").map((r) => r.headers.range);
    expect(ranges.sort()).toEqual(
      [
        `bytes=0-${part - 1}`,
        `bytes=${part}-${2 * part - 1}`,
        `bytes=${2 * part}-${8 * MiB - 1}`,
      ].sort(),
    );
    // Only part 1 was asked for its size: equal parts were enough.
    expect(transport.requests.filter((r) => r.method === "HEAD")).toHaveLength(2);
  });

  it("multipart object with a corrupted range: the file is read again, then refused", async () => {
    const data = Buffer.alloc(6 * MiB, 4);
    const digests = [0, 1].map((i) =>
      createHash("sha256")
        .update(data.subarray(i * 3 * MiB, (i + 1) * 3 * MiB))
        .digest(),
    );
    const composite = `${createHash("sha256").update(Buffer.concat(digests)).digest("base64")}-2`;
    const transport = objectTransport(data, {
      checksum: composite,
      partSize: 3 * MiB,
      corrupt: true,
    });
    const dir = await workdir();
    const attempt = downloadObject(
      { presigner, transport, clock },
      { bucket: "b", key: "bad.bin", out: `${dir}/` },
    );
    await expect(attempt).rejects.toThrow(/do not match S3's composite SHA-256/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("removes the partial file when the bytes don't match S3's checksum", async () => {
    const data = Buffer.from("the real content");
    const transport = objectTransport(data, { checksum: sha256(data), corrupt: true });
    const dir = await workdir();
    const attempt = downloadObject(
      { presigner, transport, clock },
      { bucket: "b", key: "f.txt", out: `${dir}/` },
    );
    await expect(attempt).rejects.toThrow(/do not match S3's SHA-256/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("says so when nothing can be compared (SSE-KMS ETag, no stored checksum)", async () => {
    const data = Buffer.from("no checksum stored");
    const dir = await workdir();
    const result = await downloadObject(
      { presigner, transport: objectTransport(data), clock },
      { bucket: "b", key: "f.txt", out: join(dir, "f.txt") },
    );
    expect(result.verified).toBe("none");
  });

  it("resumes from the sidecar: only the missing ranges are fetched", async () => {
    const data = Buffer.alloc(8 * MiB, 5);
    const dir = await workdir();
    const target = join(dir, "r.bin");
    // A previous run fetched ranges 0 and 2 (of 4 × 2 MiB) before it was killed.
    const partial = Buffer.alloc(data.length);
    data.copy(partial, 0, 0, 2 * MiB);
    data.copy(partial, 4 * MiB, 4 * MiB, 6 * MiB);
    await writeFile(`${target}.strongbox-partial`, partial);
    await writeFile(
      `${target}.strongbox-partial.json`,
      JSON.stringify({
        version: 1,
        bucket: "b",
        key: "r.bin",
        versionId: "v1",
        etag: '"0123456789abcdef0123456789abcdef"',
        size: data.length,
        chunkSize: 2 * MiB,
        done: [0, 2],
        digests: {
          0: sha256(data.subarray(0, 2 * MiB)),
          2: sha256(data.subarray(4 * MiB, 6 * MiB)),
        },
      }),
    );
    const transport = objectTransport(data, { checksum: sha256(data) });
    const result = await downloadObject(
      { presigner, transport, clock },
      { bucket: "b", key: "r.bin", out: target, chunkSize: 2 * MiB, threshold: 5 * MiB },
    );
    expect(result.resumed).toBe(true);
    const ranges = transport.requests.filter((r) => r.method === "GET").map((r) => r.headers.range);
    expect(ranges.sort()).toEqual([
      `bytes=${2 * MiB}-${4 * MiB - 1}`,
      `bytes=${6 * MiB}-${8 * MiB - 1}`,
    ]);
    expect((await readFile(target)).equals(data)).toBe(true);
  });

  it("starts over when the object changed since the interrupted run (ETag differs)", async () => {
    const data = Buffer.alloc(6 * MiB, 8);
    const dir = await workdir();
    const target = join(dir, "c.bin");
    await writeFile(`${target}.strongbox-partial`, Buffer.alloc(data.length, 1));
    await writeFile(
      `${target}.strongbox-partial.json`,
      JSON.stringify({
        version: 1,
        bucket: "b",
        key: "c.bin",
        versionId: "v0",
        etag: '"old"',
        size: data.length,
        chunkSize: 2 * MiB,
        done: [0, 1],
      }),
    );
    const transport = objectTransport(data, { checksum: sha256(data) });
    const result = await downloadObject(
      { presigner, transport, clock },
      { bucket: "b", key: "c.bin", out: target, chunkSize: 2 * MiB, threshold: 5 * MiB },
    );
    expect(result.resumed).toBe(false);
    expect(transport.requests.filter((r) => r.method === "GET")).toHaveLength(3);
    expect((await readFile(target)).equals(data)).toBe(true);
  });
});
