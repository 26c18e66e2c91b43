import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { downloadTarget } from "../../../src/core/transfer/target.js";
import { liveIO as io } from "./cli-fixtures.js";
import { tty, useHabitsS3 } from "./habits-fixtures.js";

/**
 * Issue 12 habits 3 and 7, paths and progress: s3:// paths and --out as
 * `aws s3` takes them, and the upload progress bar only where it belongs.
 */
// These run the whole CLI in-process (first import, files, a local server): on a
// loaded 2-core machine the 5 s default is not a bound on anything they assert.
vi.setConfig({ testTimeout: 120_000 });

const { requests, setup } = useHabitsS3();

describe("3. aws s3 path habits", () => {
  it("s3:// of another bucket is a usage error naming both buckets, before any request", async () => {
    const { configPath } = await setup();
    for (const argv of [
      ["ls", "s3://other/x/"],
      ["download", "s3://other/k"],
      ["rm", "s3://other/k", "--yes"],
    ]) {
      const f = io();
      expect(await main([...argv, "--config", configPath], f.io)).toBe(2);
      expect(f.stderr()).toMatch(
        /^strongbox: s3:\/\/other\/ is not this deployment's bucket \(sb-data\)/,
      );
    }
    expect(requests).toEqual([]);
  });

  it("--out dir/ and no --out keep the key's base name; --out FILE is the file; - is stdout", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "sb-target-"));
    expect(await downloadTarget("newdir/", "photos/sub/b.txt", cwd)).toEqual({
      kind: "file",
      path: join(cwd, "newdir", "b.txt"),
    });
    expect(await downloadTarget(undefined, "photos/sub/b.txt", cwd)).toEqual({
      kind: "file",
      path: join(cwd, "b.txt"),
    });
    expect(await downloadTarget("x.bin", "photos/b.txt", cwd)).toEqual({
      kind: "file",
      path: join(cwd, "x.bin"),
    });
    expect(await downloadTarget("-", "photos/b.txt", cwd)).toEqual({ kind: "stdout" });
    await expect(downloadTarget("d/", "a/\u202etxt.exe", cwd)).rejects.toThrow(
      /Refusing to write key/,
    );
  });

  it("--out - with --json is refused: both want stdout", async () => {
    const { configPath } = await setup(["viewer"]);
    const f = io();
    expect(
      await main(["download", "k", "--out", "-", "--json", "--config", configPath], f.io),
    ).toBe(2);
    expect(JSON.parse(f.stdout()).error.message).toContain("--out - and --json both want stdout");
  });
});

describe("7. progress that tells the truth", () => {
  async function uploadTwo(env: NodeJS.ProcessEnv, extra: string[] = []) {
    const { dir, configPath } = await setup(["uploader"]);
    await mkdir(join(dir, "two"));
    for (const name of ["a.txt", "b.txt"]) await writeFile(join(dir, "two", name), name);
    const f = tty([], env);
    const code = await main(["upload", join(dir, "two"), "--config", configPath, ...extra], f.io);
    return { code, stderr: f.stderr() };
  }
  it("a folder on a terminal: files done / total, bytes, rate and ETA", async () => {
    const r = await uploadTwo({ TERM: "xterm" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/100% \| 2\/2 files \| 10 B\/10 B \| .*\/s \| ETA /);
  });
  it.each([
    ["TERM=dumb", { TERM: "dumb" }, []],
    ["--no-progress", { TERM: "xterm" }, ["--no-progress"]],
    ["--quiet", { TERM: "xterm" }, ["--quiet"]],
  ])("no bar with %s", async (_label, env, extra) => {
    const r = await uploadTwo(env, extra as string[]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/files \|/);
  });
});
