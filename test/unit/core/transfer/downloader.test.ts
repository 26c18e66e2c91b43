import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCrc } from "../../../../src/core/transfer/crc.js";
import { downloadObject } from "../../../../src/core/transfer/download.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import {
  createMemoryPartialStore,
  type PartialDownload,
  type PartialStore,
} from "../../../../src/core/transfer/partial-store.js";
import { resolveTarget } from "../../../../src/core/transfer/safe-path.js";
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

describe("download target", () => {
  it("--out ending in / or naming a folder puts the key's path inside it; else it is the file", async () => {
    const dir = await workdir();
    expect(await resolveTarget(`${dir}/new/`, "a/b.txt", "/")).toBe(join(dir, "new", "a", "b.txt"));
    expect(await resolveTarget(dir, "b.txt", "/")).toBe(join(dir, "b.txt"));
    expect(await resolveTarget(join(dir, "named.txt"), "../../weird", "/")).toBe(
      join(dir, "named.txt"),
    );
    expect(await resolveTarget(undefined, "k.txt", dir)).toBe(join(dir, "k.txt"));
  });

  it("refuses a key whose folder is a symlink leading outside the target", async () => {
    const dir = await workdir();
    const outside = await workdir();
    await mkdir(join(dir, "root"));
    await symlink(outside, join(dir, "root", "link"));
    await expect(resolveTarget(join(dir, "root"), "link/x.txt", "/")).rejects.toThrow(
      /leads outside/,
    );
  });

  it("in a batch, makes and checks each folder once; every file of a refused folder is refused", async () => {
    const dir = await workdir();
    const outside = await workdir();
    await mkdir(join(dir, "root"));
    await symlink(outside, join(dir, "root", "link"));
    const checked = new Map<string, Promise<void>>();
    const root = `${join(dir, "root")}/`;
    expect(await resolveTarget(root, "a/x.txt", "/", checked)).toBe(
      join(dir, "root", "a", "x.txt"),
    );
    expect(await resolveTarget(root, "a/y.txt", "/", checked)).toBe(
      join(dir, "root", "a", "y.txt"),
    );
    expect([...checked.keys()]).toEqual([join(dir, "root", "a")]);
    for (const name of ["link/x.txt", "link/y.txt"]) {
      await expect(resolveTarget(root, name, "/", checked)).rejects.toThrow(
        /Refusing to write into "link": that folder leads outside/,
      );
    }
    expect(checked.size).toBe(2);
  });
});

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

describe("downloader with its resume state in memory (PartialStore)", () => {
  it("keeps the ranges fetched before a refusal, resumes from them, and writes no file", async () => {
    const data = Buffer.alloc(6 * MiB);
    for (let i = 0; i < data.length; i += 999) data[i] = (i / 999) % 256;
    const partials = createMemoryPartialStore();
    const dir = await workdir();
    const options = {
      bucket: "b",
      key: "m.bin",
      out: join(dir, "m.bin"),
      chunkSize: 2 * MiB,
      threshold: 1 * MiB,
      concurrency: 1,
    };
    const refusing = objectTransport(data, { checksum: sha256(data), denyRangeStart: 4 * MiB });
    await expect(
      downloadObject({ presigner, transport: refusing, clock, partials }, options),
    ).rejects.toThrow();
    expect(partials.partials.get(join(dir, "m.bin"))?.done).toEqual([0, 1]);

    const transport = objectTransport(data, { checksum: sha256(data) });
    const result = await downloadObject({ presigner, transport, clock, partials }, options);
    expect(result).toMatchObject({ resumed: true, verified: "sha256", size: data.length });
    const ranges = transport.requests.filter((r) => r.method === "GET").map((r) => r.headers.range);
    expect(ranges).toEqual([`bytes=${4 * MiB}-${data.length - 1}`]);
    expect(partials.files.get(join(dir, "m.bin"))?.equals(data)).toBe(true);
    expect(partials.partials.size).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it("drops a saved range whose bytes no longer match its digest", async () => {
    const data = Buffer.alloc(4 * MiB);
    data.fill(7);
    const partials = createMemoryPartialStore();
    const target = join(await workdir(), "d.bin");
    const options = { bucket: "b", key: "d.bin", out: target, chunkSize: MiB, threshold: 1 };
    const refusing = objectTransport(data, { checksum: sha256(data), denyRangeStart: 3 * MiB });
    await downloadObject(
      { presigner, transport: refusing, clock, partials },
      {
        ...options,
        concurrency: 1,
      },
    ).catch(() => {});
    const saved = partials.partials.get(target);
    saved?.bytes.fill(0, 0, 10); // range 0 damaged after it was recorded
    const transport = objectTransport(data, { checksum: sha256(data) });
    const notes: string[] = [];
    await downloadObject(
      {
        presigner,
        transport,
        clock,
        partials,
        onEvent: (e) => (e.type === "note" ? notes.push(e.message) : undefined),
      },
      options,
    );
    expect(notes.join("\n")).toMatch(/1 range\(s\) of "d.bin" on disk no longer match/);
    expect(partials.files.get(target)?.equals(data)).toBe(true);
  });
});

describe("downloader: a range's record is saved outside its request slot", () => {
  it("with one request in flight, the next range is fetched while the last one's record is still being saved", async () => {
    const data = Buffer.alloc(4 * MiB, 9);
    const transport = objectTransport(data, { checksum: sha256(data) });
    const memory = createMemoryPartialStore();
    let releaseSave = () => {};
    const saveGate = new Promise<void>((resolve) => {
      releaseSave = resolve;
    });
    let getsWhileSaving = -1;
    let held = false;
    const partials: PartialStore = {
      async open(target, identity) {
        const partial = await memory.open(target, identity);
        return Object.assign(Object.create(partial) as PartialDownload, {
          async save() {
            if (!held) {
              held = true;
              // The first save holds until the next GET goes out (or a second passes).
              const before = transport.requests.filter((r) => r.method === "GET").length;
              const timer = setTimeout(releaseSave, 1000);
              const poll = setInterval(() => {
                if (transport.requests.filter((r) => r.method === "GET").length > before) {
                  releaseSave();
                }
              }, 5);
              await saveGate;
              clearTimeout(timer);
              clearInterval(poll);
              getsWhileSaving =
                transport.requests.filter((r) => r.method === "GET").length - before;
            }
            return partial.save();
          },
        });
      },
    };
    const dir = await workdir();
    await downloadObject(
      { presigner, transport, clock, partials },
      {
        bucket: "b",
        key: "s.bin",
        out: join(dir, "s.bin"),
        chunkSize: MiB,
        threshold: MiB,
        concurrency: 1,
      },
    );
    expect(getsWhileSaving).toBeGreaterThan(0);
    expect(memory.files.get(join(dir, "s.bin"))?.equals(data)).toBe(true);
  });
});
