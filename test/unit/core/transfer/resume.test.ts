import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MiB, planParts } from "../../../../src/core/transfer/part-plan.js";
import { reconcileParts } from "../../../../src/core/transfer/resume.js";
import {
  createFileStateStore,
  type ResumeRecord,
} from "../../../../src/core/transfer/state-store.js";

const plan = planParts(3 * 5 * MiB + 10, { partSize: 5 * MiB, threshold: 0 });
if (plan.kind !== "multipart") throw new Error("multipart expected");
const planned = plan.parts; // 4 parts: 5, 5, 5 MiB and 10 bytes
const recorded = (n: number, checksum = `sum${n}`) => ({
  number: n,
  size: planned[n - 1]?.size ?? 0,
  etag: `"etag${n}"`,
  checksumSha256: checksum,
});
const server = (
  n: number,
  extra: { checksumSha256?: string; size?: number; etag?: string } = {},
) => ({
  number: n,
  size: extra.size ?? planned[n - 1]?.size ?? 0,
  etag: extra.etag ?? `"etag${n}"`,
  ...(extra.checksumSha256 ? { checksumSha256: extra.checksumSha256 } : {}),
});
const numbers = (xs: Array<{ number: number }>) => xs.map((x) => x.number);

describe("resume reconciliation (ListParts is the source of truth)", () => {
  it("keeps parts S3 has with matching checksums, sends the rest", () => {
    const r = reconcileParts(
      planned,
      [server(1, { checksumSha256: "sum1" }), server(2, { checksumSha256: "sum2" })],
      [recorded(1), recorded(2)],
    );
    expect(numbers(r.done)).toEqual([1, 2]);
    expect(numbers(r.todo)).toEqual([3, 4]);
    expect(r.verify).toEqual([]);
  });

  it("resends a part the record claims but S3 does not have", () => {
    const r = reconcileParts(
      planned,
      [server(1, { checksumSha256: "sum1" })],
      [recorded(1), recorded(2), recorded(3)],
    );
    expect(numbers(r.done)).toEqual([1]);
    expect(numbers(r.todo)).toEqual([2, 3, 4]);
  });

  it("asks to verify a part S3 has but the record lost (killed before the record was saved)", () => {
    const r = reconcileParts(
      planned,
      [server(1, { checksumSha256: "sum1" }), server(2, { checksumSha256: "x" })],
      [recorded(1)],
    );
    expect(numbers(r.done)).toEqual([1]);
    expect(numbers(r.verify)).toEqual([2]);
    expect(numbers(r.todo)).toEqual([3, 4]);
  });

  it("asks to verify when S3's checksum differs from the record's", () => {
    const r = reconcileParts(planned, [server(1, { checksumSha256: "other" })], [recorded(1)]);
    expect(numbers(r.verify)).toEqual([1]);
  });

  it("resends a part whose size on S3 differs from the plan", () => {
    const r = reconcileParts(
      planned,
      [server(1, { size: 123, checksumSha256: "sum1" })],
      [recorded(1)],
    );
    expect(numbers(r.todo)).toEqual([1, 2, 3, 4]);
  });

  it("without checksums from S3, trusts a part only when the ETags agree", () => {
    const r = reconcileParts(
      planned,
      [server(1), server(2, { etag: '"different"' }), server(3)],
      [recorded(1), recorded(2)],
    );
    expect(numbers(r.done)).toEqual([1]);
    expect(numbers(r.todo)).toEqual([2, 3, 4]);
  });

  it("uses S3's ETag for a done part", () => {
    const r = reconcileParts(
      planned,
      [server(1, { checksumSha256: "sum1", etag: '"fresh"' })],
      [recorded(1)],
    );
    expect(r.done[0]?.etag).toBe('"fresh"');
  });
});

describe("file state store", () => {
  const identity = (dir: string) => ({
    path: join(dir, "big.bin"),
    size: 42,
    mtimeMs: 1000,
    bucket: "b",
    key: "k",
  });
  const record = (dir: string): ResumeRecord => ({
    version: 1,
    ...identity(dir),
    uploadId: "up-1",
    partSize: 5 * MiB,
    parts: [recorded(1)],
    createdAt: "2026-01-01T00:00:00Z",
  });

  it("saves, loads and removes a record keyed by path, size, mtime, bucket and key", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-state-"));
    const store = createFileStateStore(join(dir, "transfers"));
    await store.save(record(dir));
    expect(await store.load(identity(dir))).toEqual(record(dir));
    expect(await store.load({ ...identity(dir), mtimeMs: 1001 })).toBeUndefined();
    expect(await store.load({ ...identity(dir), key: "other" })).toBeUndefined();
    await store.remove(identity(dir));
    expect(await store.load(identity(dir))).toBeUndefined();
  });

  it("writes atomically (no temp files left) and owner-only", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-state-"));
    const store = createFileStateStore(join(dir, "transfers"));
    await store.save(record(dir));
    const files = await readdir(join(dir, "transfers"));
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const { stat } = await import("node:fs/promises");
    const [file] = files;
    expect(((await stat(join(dir, "transfers", file ?? ""))).mode & 0o777).toString(8)).toBe("600");
  });

  it("treats a torn record as absent", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-state-"));
    const store = createFileStateStore(join(dir, "transfers"));
    await store.save(record(dir));
    const [file] = await readdir(join(dir, "transfers"));
    await writeFile(join(dir, "transfers", file ?? ""), '{"version":1,"upl');
    expect(await store.load(identity(dir))).toBeUndefined();
  });

  it("ten resumes of one upload started at once: exactly one holds the lock (no window between creating and owning it)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-state-"));
    const stores = Array.from({ length: 10 }, () => createFileStateStore(join(dir, "transfers")));
    const outcomes = await Promise.allSettled(stores.map((store) => store.lock(identity(dir))));
    const held = outcomes.filter((o) => o.status === "fulfilled");
    expect(held).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === "rejected") expect(String(o.reason)).toMatch(/already uploading/);
    // Nothing but the lock itself is left in the folder.
    expect((await readdir(join(dir, "transfers"))).every((f) => f.endsWith(".lock"))).toBe(true);
    await (held[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it("a lock file without a pid in it is never taken for a dead holder's", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-state-"));
    const store = createFileStateStore(join(dir, "transfers"));
    const first = await store.lock(identity(dir));
    const [lockFile] = (await readdir(join(dir, "transfers"))).filter((f) => f.endsWith(".lock"));
    await writeFile(join(dir, "transfers", lockFile ?? ""), "");
    await expect(store.lock(identity(dir))).rejects.toThrow(/held but holds no pid/);
    await first.release();
  });

  it("refuses a second lock while the first holder lives, and takes over a dead holder's lock", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-state-"));
    const store = createFileStateStore(join(dir, "transfers"));
    const lock = await store.lock(identity(dir));
    await expect(store.lock(identity(dir))).rejects.toThrow(/already uploading/);
    await lock.release();
    const again = await store.lock(identity(dir));
    // Simulate a holder killed with SIGKILL: its pid no longer exists.
    const [lockFile] = (await readdir(join(dir, "transfers"))).filter((f) => f.endsWith(".lock"));
    await writeFile(join(dir, "transfers", lockFile ?? ""), "2147483646");
    const taken = await store.lock(identity(dir));
    expect((await readFile(join(dir, "transfers", lockFile ?? ""), "utf8")).trim()).toBe(
      String(process.pid),
    );
    await taken.release();
    await again.release();
  });
});
