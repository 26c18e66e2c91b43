import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveTarget } from "../../../../src/core/transfer/safe-path.js";
import { workdir } from "./download-fixtures.js";

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
