import { mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { downloadObject } from "../../../../src/core/transfer/download.js";
import { downloadPrefix } from "../../../../src/core/transfer/download-many.js";
import { PARTIAL_SUFFIX } from "../../../../src/core/transfer/partial-file.js";
import { IN_MEMORY_BYTES, withoutFirst } from "../../../../src/core/transfer/partial-memory.js";
import type { Transport } from "../../../../src/core/transfer/transport.js";
import { clock, objectTransport, presigner, sha256, workdir } from "./download-fixtures.js";

/**
 * An object of at most IN_MEMORY_BYTES is one request: held in memory until
 * verified, then written to a file of its own and renamed onto the target. It
 * takes no lock and leaves no partial; a partial an earlier run left next to
 * the target sends it down the usual path, which clears that away.
 */

const data = Buffer.alloc(IN_MEMORY_BYTES);
for (let i = 0; i < data.length; i += 101) data[i] = (i / 101) % 256;
const deps = (transport = objectTransport(data, { checksum: sha256(data) })) => ({
  presigner,
  transport,
  clock,
});
const usualMode = 0o666 & ~process.umask();

async function leftovers(dir: string, name: string) {
  await writeFile(join(dir, `${name}${PARTIAL_SUFFIX}`), "an earlier run's bytes", { mode: 0o600 });
  await writeFile(join(dir, `${name}${PARTIAL_SUFFIX}.json`), "{}", { mode: 0o600 });
}

describe("small downloads, held in memory until verified", () => {
  it("the verified bytes land under the target's name with the usual mode; nothing else is left", async () => {
    const dir = await workdir();
    const target = join(dir, "s.bin");
    const result = await downloadObject(deps(), { bucket: "b", key: "s.bin", out: target });
    expect(result.verified).toBe("sha256");
    expect((await readFile(target)).equals(data)).toBe(true);
    expect((await stat(target)).mode & 0o777).toBe(usualMode);
    expect(await readdir(dir)).toEqual(["s.bin"]);
  });

  it("bytes that fail verification never reach the disk", async () => {
    const dir = await workdir();
    const target = join(dir, "s.bin");
    const transport = objectTransport(data, { checksum: sha256(Buffer.from("other")) });
    await expect(
      downloadObject(deps(transport), { bucket: "b", key: "s.bin", out: target }),
    ).rejects.toThrow(/do not match/);
    expect(await readdir(dir)).toEqual([]);
  });

  it("a partial an earlier run left is cleared by the usual path", async () => {
    const dir = await workdir();
    await leftovers(dir, "s.bin");
    const target = join(dir, "s.bin");
    await downloadObject(deps(), { bucket: "b", key: "s.bin", out: target });
    expect((await readFile(target)).equals(data)).toBe(true);
    expect(await readdir(dir)).toEqual(["s.bin"]);
  });

  it("a symlink planted at the partial's name is still refused, not followed", async () => {
    const dir = await workdir();
    await writeFile(join(dir, "victim.txt"), "precious\n");
    await symlink(join(dir, "victim.txt"), join(dir, `s.bin${PARTIAL_SUFFIX}`));
    await expect(
      downloadObject(deps(), { bucket: "b", key: "s.bin", out: join(dir, "s.bin") }),
    ).rejects.toThrow(/symbolic link/);
    expect(await readFile(join(dir, "victim.txt"), "utf8")).toBe("precious\n");
  });

  it("a prefix into a folder with an earlier run's partial: that file clears it, the others are fetched in memory", async () => {
    const dir = await workdir();
    await mkdir(join(dir, "sub"));
    await leftovers(join(dir, "sub"), "b.bin");
    const objects = ["p/a.bin", "p/sub/b.bin", "p/sub/c.bin"].map((key) => ({
      key,
      size: data.length,
    }));
    const results = await downloadPrefix(deps(), {
      bucket: "b",
      prefix: "p/",
      out: `${dir}/`,
      objects,
    });
    expect(results.map((r) => r.verified)).toEqual(["sha256", "sha256", "sha256"]);
    expect((await readdir(join(dir, "sub"))).sort()).toEqual(["b.bin", "c.bin"]);
    expect((await readFile(join(dir, "sub", "b.bin"))).equals(data)).toBe(true);
  });
});

describe("writing the received chunks", () => {
  it("a body received in many chunks lands whole and in order", async () => {
    const inner = objectTransport(data, { checksum: sha256(data) });
    const transport: Transport = {
      async send(req) {
        const res = await inner.send(req);
        if (req.method !== "GET") return res;
        const chunks: Buffer[] = [];
        for (let at = 0; at < data.length; at += 1000) chunks.push(data.subarray(at, at + 1000));
        return { ...res, body: Readable.from(chunks) };
      },
      close: async () => {},
    };
    const dir = await workdir();
    await downloadObject(deps(transport as ReturnType<typeof objectTransport>), {
      bucket: "b",
      key: "k",
      out: join(dir, "f"),
      size: data.length,
    });
    expect((await readFile(join(dir, "f"))).equals(data)).toBe(true);
  });

  it("what is left after a write: whole chunks dropped, the next one cut", () => {
    const chunks = [Buffer.from("abc"), Buffer.from(""), Buffer.from("defg"), Buffer.from("h")];
    const text = (list: Buffer[]) => Buffer.concat(list).toString();
    expect(text(withoutFirst(chunks, 0))).toBe("abcdefgh");
    expect(text(withoutFirst(chunks, 2))).toBe("cdefgh");
    expect(withoutFirst(chunks, 3).map(String)).toEqual(["defg", "h"]);
    expect(text(withoutFirst(chunks, 5))).toBe("fgh");
    expect(withoutFirst(chunks, 8)).toEqual([]);
    expect(text(chunks)).toBe("abcdefgh");
  });
});
