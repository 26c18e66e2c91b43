import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, mkdir, open, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { downloadObject } from "../../../../src/core/transfer/download.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import { openPartial } from "../../../../src/core/transfer/partial-file.js";
import {
  createFileStateStore,
  type ResumeIdentity,
  type ResumeRecord,
  recordId,
} from "../../../../src/core/transfer/state-store.js";
import { clock, objectTransport, presigner, workdir } from "./download-fixtures.js";

/**
 * The files a download or an upload leaves between runs are attack surface: a
 * symlink planted at their names, another process or user writing them, bytes
 * changed on disk. None of that may be followed, clobbered or end "verified".
 */

const PART = 2 * MiB;
const data = Buffer.alloc(6 * MiB);
for (let i = 0; i < data.length; i += 997) data[i] = (i / 997) % 256;
const partDigests = [0, 1, 2].map((i) =>
  createHash("sha256")
    .update(data.subarray(i * PART, (i + 1) * PART))
    .digest(),
);
/** S3's composite checksum of a 3-part upload: the ranges are the parts. */
const composite = `${createHash("sha256").update(Buffer.concat(partDigests)).digest("base64")}-3`;

const options = (target: string) => ({ bucket: "b", key: "p.bin", out: target, concurrency: 1 });
const deps = (transport: ReturnType<typeof objectTransport>) => ({ presigner, transport, clock });
const gets = (t: ReturnType<typeof objectTransport>) =>
  t.requests.filter((r) => r.method === "GET").map((r) => r.headers.range);

/** A first run that fetched parts 1 and 2, then was refused part 3: the partial file stays. */
async function interrupted(checksum: string | null = composite) {
  const dir = await workdir();
  const target = join(dir, "p.bin");
  const first = objectTransport(data, {
    ...(checksum ? { checksum } : {}),
    partSize: PART,
    denyRangeStart: 2 * PART,
  });
  const opts = { ...options(target), ...(checksum ? {} : { chunkSize: PART, threshold: PART }) };
  await expect(downloadObject(deps(first), opts)).rejects.toThrow();
  return { dir, target, partial: `${target}.strongbox-partial`, opts };
}

async function flipByte(path: string, offset: number) {
  const fh = await open(path, "r+");
  const one = Buffer.alloc(1);
  await fh.read(one, 0, 1, offset);
  one[0] = (one[0] ?? 0) ^ 0xff;
  await fh.write(one, 0, 1, offset);
  await fh.close();
}

async function victim(dir: string) {
  const path = join(dir, "victim.txt");
  await writeFile(path, "precious\n");
  return path;
}

describe("download partial files", () => {
  it("the partial file and its record are 0600, and no temp file is left", async () => {
    const { dir, partial } = await interrupted();
    expect((await stat(partial)).mode & 0o777).toBe(0o600);
    expect((await stat(`${partial}.json`)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual([
      "p.bin.strongbox-partial",
      "p.bin.strongbox-partial.json",
    ]);
  });

  it("bytes changed on disk between runs are found and fetched again (composite SHA-256)", async () => {
    const { target, partial, opts } = await interrupted();
    await flipByte(partial, 12345); // inside part 1, which the record says is done
    const again = objectTransport(data, { checksum: composite, partSize: PART });
    const notes: string[] = [];
    const result = await downloadObject(
      { ...deps(again), onEvent: (e) => (e.type === "note" ? notes.push(e.message) : undefined) },
      opts,
    );
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(result.verified).toBe("composite-sha256");
    expect(gets(again).sort()).toEqual([
      `bytes=0-${PART - 1}`,
      `bytes=${2 * PART}-${3 * PART - 1}`,
    ]);
    expect(notes.join("\n")).toMatch(/1 range\(s\) of "p.bin" on disk no longer match/);
  });

  it("bytes changed on disk are fetched again even when S3 has no checksum to compare", async () => {
    const { target, partial, opts } = await interrupted(null);
    await flipByte(partial, PART + 7); // part 2
    const again = objectTransport(data, { partSize: PART });
    const result = await downloadObject(deps(again), opts);
    expect(result.verified).toBe("none");
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(gets(again).sort()).toEqual(
      [`bytes=${2 * PART}-${3 * PART - 1}`, `bytes=${PART}-${2 * PART - 1}`].sort(),
    );
  });

  it("a record without digests (older client) vouches for nothing: its ranges are fetched again", async () => {
    const { target, partial, opts } = await interrupted();
    const record = JSON.parse(await readFile(`${partial}.json`, "utf8"));
    delete record.digests;
    await writeFile(`${partial}.json`, JSON.stringify(record), { mode: 0o600 });
    const again = objectTransport(data, { checksum: composite, partSize: PART });
    await downloadObject(deps(again), opts);
    expect(gets(again)).toHaveLength(3);
    expect((await readFile(target)).equals(data)).toBe(true);
  });

  it("a symlink planted at the partial path is refused: not followed, not removed", async () => {
    const dir = await workdir();
    const target = join(dir, "p.bin");
    const precious = await victim(dir);
    await symlink(precious, `${target}.strongbox-partial`);
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    await expect(downloadObject(deps(t), options(target))).rejects.toThrow(
      /Refusing to use .*p\.bin\.strongbox-partial: it is a symbolic link/,
    );
    expect(await readFile(precious, "utf8")).toBe("precious\n");
    expect((await lstat(`${target}.strongbox-partial`)).isSymbolicLink()).toBe(true);
    expect(gets(t)).toEqual([]);
    expect(await readdir(dir)).not.toContain("p.bin.strongbox-partial.lock");
  });

  it("a symlink planted at the record path is refused: not read, not replaced", async () => {
    const dir = await workdir();
    const target = join(dir, "p.bin");
    const precious = await victim(dir);
    await symlink(precious, `${target}.strongbox-partial.json`);
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    await expect(downloadObject(deps(t), options(target))).rejects.toThrow(
      /strongbox-partial\.json: it is a symbolic link/,
    );
    expect((await lstat(`${target}.strongbox-partial.json`)).isSymbolicLink()).toBe(true);
    expect(await readFile(precious, "utf8")).toBe("precious\n");
  });

  it("a symlink at the record's temp name (a guessable name before) is never written through", async () => {
    const dir = await workdir();
    const target = join(dir, "p.bin");
    const precious = await victim(dir);
    await symlink(precious, `${target}.strongbox-partial.json.tmp`);
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    await downloadObject(deps(t), options(target));
    expect(await readFile(precious, "utf8")).toBe("precious\n");
    expect((await readFile(target)).equals(data)).toBe(true);
  });

  it("a folder at the partial path is refused, not removed", async () => {
    const dir = await workdir();
    const target = join(dir, "p.bin");
    await mkdir(`${target}.strongbox-partial`);
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    await expect(downloadObject(deps(t), options(target))).rejects.toThrow(/not a regular file/);
    expect((await stat(`${target}.strongbox-partial`)).isDirectory()).toBe(true);
  });

  it("a partial file another running process holds is refused and left alone", async () => {
    const { target, partial, opts } = await interrupted();
    const before = await readFile(partial);
    await writeFile(`${partial}.lock`, String(process.ppid), { mode: 0o600 });
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    await expect(downloadObject(deps(t), opts)).rejects.toThrow(
      new RegExp(
        `Another strongbox process \\(pid ${process.ppid}\\) is already downloading to .*p\\.bin`,
      ),
    );
    expect((await readFile(partial)).equals(before)).toBe(true);
    expect(gets(t)).toEqual([]);
    await expect(stat(target)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("a lock left by a process that is gone is taken over, and the download resumes", async () => {
    const { target, partial, opts } = await interrupted();
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(`${partial}.lock`, String(gone), { mode: 0o600 });
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    const result = await downloadObject(deps(t), opts);
    expect(result.resumed).toBe(true);
    expect(gets(t)).toEqual([`bytes=${2 * PART}-${3 * PART - 1}`]);
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(await readdir(join(target, ".."))).toEqual(["p.bin"]);
  });

  it("a partial file that belongs to another user is refused", async () => {
    const { target, partial } = await interrupted();
    const ours = (await stat(partial)).uid;
    const identity = {
      bucket: "b",
      key: "p.bin",
      versionId: "v1",
      etag: "e",
      size: data.length,
      chunkSize: PART,
    };
    await expect(openPartial(target, identity, { uid: ours + 4242 })).rejects.toThrow(
      new RegExp(`belongs to uid ${ours}, not to you \\(uid ${ours + 4242}\\)`),
    );
    expect((await stat(partial)).size).toBe(data.length);
    expect(await readdir(join(target, ".."))).not.toContain("p.bin.strongbox-partial.lock");
  });

  it("a partial file left 0644 by an older client is made 0600 when resumed", async () => {
    const { partial, opts } = await interrupted();
    const { chmod } = await import("node:fs/promises");
    await chmod(partial, 0o644);
    const again = objectTransport(data, {
      checksum: composite,
      partSize: PART,
      denyRangeStart: 2 * PART,
    });
    await expect(downloadObject(deps(again), opts)).rejects.toThrow();
    expect((await stat(partial)).mode & 0o777).toBe(0o600);
  });

  it("the verified file gets the user's usual mode, not the partial's 0600", async () => {
    const { opts, target } = await interrupted();
    const t = objectTransport(data, { checksum: composite, partSize: PART });
    await downloadObject(deps(t), opts);
    expect((await stat(target)).mode & 0o777).toBe(0o666 & ~process.umask());
  });
});

describe("upload resume records (state store)", () => {
  const identity = (dir: string): ResumeIdentity => ({
    path: join(dir, "f.bin"),
    size: 10,
    mtimeMs: 1000,
    bucket: "b",
    key: "k",
  });
  const record = (dir: string): ResumeRecord => ({
    ...identity(dir),
    version: 1,
    uploadId: "u1",
    partSize: 5,
    parts: [],
    createdAt: "2026-11-28T00:00:00.000Z",
  });
  const recordPath = (dir: string) =>
    join(dir, "transfers", `upload-${recordId(identity(dir))}.json`);

  it("a symlink at the record path is refused on load and on save, never followed", async () => {
    const dir = await workdir();
    const store = createFileStateStore(join(dir, "transfers"));
    await store.save(record(dir)); // creates the folder
    await store.remove(identity(dir));
    const precious = await victim(dir);
    await symlink(precious, recordPath(dir));
    await expect(store.load(identity(dir))).rejects.toThrow(/it is a symbolic link/);
    await expect(store.save(record(dir))).rejects.toThrow(/it is a symbolic link/);
    expect(await readFile(precious, "utf8")).toBe("precious\n");
    expect((await lstat(recordPath(dir))).isSymbolicLink()).toBe(true);
  });

  it("save never writes through a symlink planted at a temp name it used to guess", async () => {
    const dir = await workdir();
    const store = createFileStateStore(join(dir, "transfers"));
    await store.save(record(dir));
    const precious = await victim(dir);
    await symlink(precious, `${recordPath(dir)}.${process.pid}.tmp`);
    await store.save({ ...record(dir), uploadId: "u2" });
    expect(await readFile(precious, "utf8")).toBe("precious\n");
    expect((await store.load(identity(dir)))?.uploadId).toBe("u2");
    expect((await stat(recordPath(dir))).mode & 0o777).toBe(0o600);
  });

  it("a symlink at the lock path is refused, not read as a pid", async () => {
    const dir = await workdir();
    const store = createFileStateStore(join(dir, "transfers"));
    await store.save(record(dir));
    const pidFile = join(dir, "pid");
    await writeFile(pidFile, "1");
    await symlink(pidFile, `${recordPath(dir)}.lock`);
    await expect(store.lock(identity(dir))).rejects.toThrow(/\.lock: it is a symbolic link/);
  });

  it("the lock is exclusive: a second process gets a clear refusal; released, it can be taken", async () => {
    const dir = await workdir();
    const store = createFileStateStore(join(dir, "transfers"));
    const held = await store.lock(identity(dir));
    expect((await stat(`${recordPath(dir)}.lock`)).mode & 0o777).toBe(0o600);
    await expect(store.lock(identity(dir))).rejects.toThrow(
      `Another strongbox process (pid ${process.pid}) is already uploading this file to "k".`,
    );
    await held.release();
    await (await store.lock(identity(dir))).release();
  });
});
