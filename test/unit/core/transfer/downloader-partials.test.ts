import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downloadObject } from "../../../../src/core/transfer/download.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import {
  createMemoryPartialStore,
  type PartialDownload,
  type PartialStore,
} from "../../../../src/core/transfer/partial-store.js";
import { clock, objectTransport, presigner, sha256, workdir } from "./download-fixtures.js";

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
