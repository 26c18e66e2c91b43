import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { openPartial } from "../../../../src/core/transfer/partial-file.js";
import { workdir } from "./download-fixtures.js";

/** Every record write goes through writeJsonAtomic: counted here. */
const writes = vi.hoisted(() => ({ count: 0 }));
vi.mock("../../../../src/core/fs/atomic.js", async (original) => {
  const real = await original<typeof import("../../../../src/core/fs/atomic.js")>();
  return {
    ...real,
    writeJsonAtomic: async (...args: Parameters<typeof real.writeJsonAtomic>) => {
      writes.count++;
      return real.writeJsonAtomic(...args);
    },
  };
});

const sha = (b: Buffer) => createHash("sha256").update(b).digest("base64");

describe("a partial download's record", () => {
  it("is saved at once for the first range, then at most once a second, and whole when the download stops", async () => {
    const chunk = Buffer.alloc(1024, 5);
    const target = join(await workdir(), "r.bin");
    const identity = {
      bucket: "b",
      key: "r.bin",
      versionId: "v1",
      etag: '"e"',
      size: chunk.length * 20,
      chunkSize: chunk.length,
    };
    writes.count = 0;
    // Time stands still (only Date: the file system's own timers run), so the second never ends.
    vi.useFakeTimers({ toFake: ["Date"] });
    const partial = await openPartial(target, identity);
    for (let i = 0; i < 20; i++) {
      await partial.write([chunk], i * chunk.length);
      partial.digests.set(i, sha(chunk));
      partial.done.add(i);
      await partial.save();
    }
    // 20 ranges within the second: one record written (20 before), each an
    // fdatasync of the partial, an fsync of the record and one of its folder.
    expect(writes.count).toBe(1);
    const first = JSON.parse(await readFile(`${target}.strongbox-partial.json`, "utf8"));
    expect(first.done).toEqual([0]);

    await partial.abandon(false);
    vi.useRealTimers();
    expect(writes.count).toBe(2);
    const last = JSON.parse(await readFile(`${target}.strongbox-partial.json`, "utf8"));
    expect(last.done).toEqual(Array.from({ length: 20 }, (_, i) => i));

    // A resumed run trusts the 20 ranges: their bytes were synced before the record named them.
    const again = await openPartial(target, identity);
    expect(again.kept).toBe(20);
    await again.abandon(false);
    expect(writes.count).toBe(2);
  });
});
