import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { liveIO as io } from "./cli-fixtures.js";
import { tty, useHabitsS3 } from "./habits-fixtures.js";

/**
 * Issue 12 habit 1, nothing destroyed without consent: rm asks or refuses, and
 * every --dry-run (rm, restore, upload, download) changes nothing, against the
 * stand-in for S3 that records every request.
 */
// These run the whole CLI in-process (first import, files, a local server): on a
// loaded 2-core machine the 5 s default is not a bound on anything they assert.
vi.setConfig({ testTimeout: 120_000 });

const { requests, setup } = useHabitsS3();

describe("1. nothing destroyed without consent", () => {
  it("rm without a terminal and without --yes refuses (exit 2) before any request", async () => {
    const { configPath } = await setup();
    const f = io();
    expect(await main(["rm", "k.txt", "--config", configPath], f.io)).toBe(2);
    expect(f.stderr()).toMatch(/^strongbox: refusing to delete k\.txt .*\nhint: pass --yes/);
    expect(requests.filter((r) => !r.startsWith("HEAD") && !r.includes("versions"))).toEqual([]);
  });

  it("rm --version-id on a terminal shows the version and wants the word yes; 'y' is not enough", async () => {
    const { configPath } = await setup();
    const f = tty(["y"]);
    expect(await main(["rm", "k.txt", "--version-id", "v1", "--config", configPath], f.io)).toBe(1);
    expect(f.stderr()).toContain(
      "k.txt version v1: 42 B, modified 2026-11-27T00:00:00Z, the latest version",
    );
    expect(f.stderr()).toMatch(/permanently delete version v1 of k\.txt .*type yes to confirm/);
    expect(f.stderr()).toContain("strongbox: not confirmed: nothing was changed");
    expect(requests.some((r) => r.startsWith("DELETE"))).toBe(false);

    const g = tty(["yes"]);
    expect(await main(["rm", "k.txt", "--version-id", "v1", "--config", configPath], g.io)).toBe(0);
    expect(g.stdout()).toBe("deleted version v1 of k.txt permanently\n");
    expect(requests.filter((r) => r.startsWith("DELETE"))).toHaveLength(1);
  });

  it("rm --yes deletes without asking; --dry-run deletes nothing", async () => {
    const { configPath } = await setup();
    const dry = io();
    expect(await main(["rm", "k.txt", "--dry-run", "--config", configPath], dry.io)).toBe(0);
    expect(dry.stdout()).toMatch(/^would delete k\.txt/);
    expect(requests).toEqual([]);
    const yes = io();
    expect(await main(["rm", "k.txt", "--yes", "--json", "--config", configPath], yes.io)).toBe(0);
    expect(JSON.parse(yes.stdout())).toMatchObject({
      key: "k.txt",
      permanent: false,
      dryRun: false,
    });
    expect(requests.filter((r) => r.startsWith("DELETE"))).toHaveLength(1);
  });

  it("restore --dry-run reads the version list and writes nothing", async () => {
    const { configPath } = await setup();
    const f = io();
    expect(
      await main(
        ["restore", "k.txt", "--version-id", "v1", "--dry-run", "--config", configPath],
        f.io,
      ),
    ).toBe(0);
    expect(f.stdout()).toMatch(/^would restore k\.txt from version v1 \(42 B, copy\)/);
    expect(requests.every((r) => r.startsWith("GET"))).toBe(true);
  });

  it("upload --dry-run lists what would go (after --exclude/--include) and sends nothing", async () => {
    const { dir, configPath } = await setup(["uploader"]);
    const files = join(dir, "photos");
    await mkdir(join(files, "sub"), { recursive: true });
    for (const name of ["a.jpg", "b.tmp", "sub/c.jpg", "sub/d.txt"])
      await writeFile(join(files, name), name);
    const f = io();
    const argv = ["upload", files, "s3://sb-data/2026/", "--exclude", "*", "--include", "*/"];
    expect(
      await main(
        [...argv, "--include", "*.jpg", "--dry-run", "--json", "--config", configPath],
        f.io,
      ),
    ).toBe(0);
    const out = JSON.parse(f.stdout());
    expect(out.planned.map((p: { key: string }) => p.key)).toEqual([
      "2026/a.jpg",
      "2026/sub/c.jpg",
    ]);
    expect(out).toMatchObject({ files: [], unchanged: [], excluded: 2, dryRun: true });
    // Reads only: the listing of the destination folder (no HEAD per file when it answers).
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.startsWith("HEAD") || r.startsWith("GET"))).toBe(true);
  });

  it("download --dry-run writes no file", async () => {
    const { dir, configPath } = await setup(["viewer"]);
    const f = io();
    const out = join(dir, "newdir/");
    // HEAD answers 404 here: the object is not found, and nothing was created.
    expect(
      await main(["download", "a/b.txt", "--out", out, "--dry-run", "--config", configPath], f.io),
    ).toBe(4);
    expect(await stat(out).catch(() => undefined)).toBeUndefined();
  });
});
