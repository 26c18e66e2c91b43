import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliSandbox } from "./cli-helpers.js";

/**
 * Issue 12 on the local stack through the built binary: sync-like folder
 * uploads (unchanged files skipped, counted), `aws s3 cp` download paths
 * (base name in a folder, stdout), s3:// keys, --dry-run touching nothing.
 */
describe("strongbox CLI habits (local stack)", () => {
  let sb: Awaited<ReturnType<typeof cliSandbox>>;
  const prefix = `habits-${Date.now()}/`;
  const MiB = 1024 * 1024;
  let bucket: string;

  beforeAll(async () => {
    sb = await cliSandbox();
    bucket = JSON.parse(await readFile(sb.configPath, "utf8")).bucket;
    for (const role of ["viewer", "admin"]) {
      const r = await sb.run(["login", "--role", role, "--profile", `local-${role}`]);
      expect(r.code, r.stderr).toBe(0);
    }
    const folder = join(sb.dir, "photos");
    await mkdir(join(folder, "sub"), { recursive: true });
    await writeFile(join(folder, "a.txt"), "a");
    await writeFile(join(folder, "skip.tmp"), "t");
    await writeFile(join(folder, "sub", "b.txt"), "bee\n");
    // Above the multipart threshold: unchanged is judged on the composite checksum.
    await writeFile(join(folder, "sub", "big.bin"), Buffer.alloc(17 * MiB, 7));
  });

  it("upload a folder to s3://BUCKET/PREFIX/ with --exclude; again: every file unchanged, none sent", async () => {
    const dest = `s3://${bucket}/${prefix}`;
    const args = ["upload", join(sb.dir, "photos"), dest, "--exclude", "*.tmp", "--role", "admin"];
    const dry = await sb.run([...args, "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(
      dry
        .json()
        .planned.map((p: { key: string }) => p.key)
        .sort(),
    ).toEqual([`${prefix}a.txt`, `${prefix}sub/b.txt`, `${prefix}sub/big.bin`]);
    expect((await sb.run(["ls", prefix, "--role", "viewer", "--json"])).json().objects).toEqual([]);

    const first = await sb.run([...args, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ excluded: 1, unchanged: [], dryRun: false });
    expect(first.json().files).toHaveLength(3);

    const second = await sb.run(args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(
      /3 of 3 files unchanged \(same size and SHA-256 as in S3\): skipped/,
    );
    expect(second.stdout).toBe("0 files uploaded, 3 unchanged (skipped), 1 excluded\n");
    const versions = await sb.run(["versions", `${prefix}a.txt`, "--role", "viewer", "--json"]);
    expect(versions.json().versions).toHaveLength(1);
  });

  it("download KEY --out newdir/ writes newdir/b.txt; --out - writes the verified bytes to stdout", async () => {
    const out = join(sb.dir, "newdir/");
    const r = await sb.run(["download", `${prefix}sub/b.txt`, "--out", out, "--role", "viewer"]);
    expect(r.code, r.stderr).toBe(0);
    expect(await readdir(out)).toEqual(["b.txt"]);
    expect(await readFile(join(out, "b.txt"), "utf8")).toBe("bee\n");
    const again = await sb.run([
      "download",
      `${prefix}sub/b.txt`,
      "--out",
      out,
      "--role",
      "viewer",
      "--json",
    ]);
    expect(again.json()).toMatchObject({ files: [], unchanged: [{ path: join(out, "b.txt") }] });

    const piped = await sb.run([
      "download",
      `s3://${bucket}/${prefix}sub/big.bin`,
      "--out",
      "-",
      "--role",
      "viewer",
    ]);
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdout.length).toBe(17 * MiB);
    expect(createHash("sha256").update(piped.stdout, "latin1").digest("hex")).toBe(
      createHash("sha256")
        .update(Buffer.alloc(17 * MiB, 7))
        .digest("hex"),
    );
    expect(piped.stderr).toMatch(/downloaded .* to stdout .*verified: /);
  });
});
