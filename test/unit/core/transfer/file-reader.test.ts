import { randomBytes } from "node:crypto";
import { mkdtemp, open, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import { fileReader } from "../../../../src/core/transfer/file-reader.js";

async function fileOf(bytes: Buffer) {
  const path = join(await mkdtemp(join(tmpdir(), "sb-reader-")), "f.bin");
  await writeFile(path, bytes);
  return open(path, "r");
}

describe("fileReader", () => {
  const bytes = randomBytes(300_000);

  test("reads in place while reads are quick: the thread pool is never asked", async () => {
    const file = await fileOf(bytes);
    const pooled = vi.spyOn(file, "read");
    try {
      const read = fileReader(file, 10_000);
      const buffer = Buffer.alloc(100_000);
      const got: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const n = await read(buffer, 0, buffer.length, at);
        got.push(Buffer.from(buffer.subarray(0, n)));
        at += n;
      }
      expect(Buffer.concat(got).equals(bytes)).toBe(true);
      expect(pooled).not.toHaveBeenCalled();
      expect(await read(buffer, 0, 10, bytes.length)).toBe(0);
    } finally {
      await file.close();
    }
  });

  test("after two slow reads in a row, the handle's reads go through the pool, at the same offsets", async () => {
    const file = await fileOf(bytes);
    const pooled = vi.spyOn(file, "read");
    try {
      // Every read is "slow" at a threshold below zero.
      const read = fileReader(file, -1);
      const buffer = Buffer.alloc(1000);
      expect(await read(buffer, 0, 1000, 5000)).toBe(1000);
      expect(buffer.equals(bytes.subarray(5000, 6000))).toBe(true);
      expect(await read(buffer, 0, 1000, 0)).toBe(1000);
      expect(buffer.equals(bytes.subarray(0, 1000))).toBe(true);
      expect(pooled).not.toHaveBeenCalled();
      expect(await read(buffer, 10, 500, 299_800)).toBe(200);
      expect(buffer.subarray(10, 210).equals(bytes.subarray(299_800))).toBe(true);
      expect(pooled).toHaveBeenCalledTimes(1);
    } finally {
      await file.close();
    }
  });

  test("a failed read rejects, in place or pooled", async () => {
    const file = await fileOf(bytes);
    await file.close();
    await expect(fileReader(file)(Buffer.alloc(10), 0, 10, 0)).rejects.toThrow();
  });
});
