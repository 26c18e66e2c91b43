import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cliBin } from "./cli-helpers.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const run = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number; stdout: string }>((done) =>
    execFile(file, args, { env: { ...process.env, ...env }, cwd: repo }, (err, stdout) =>
      done({ code: err === null ? 0 : Number(err.code ?? -1), stdout }),
    ),
  );

/** Issue 12 item 8, on the built binary: startup without the SDK; a package without dangling source maps. */
describe("strongbox binary: startup and package", () => {
  it.each([["--help"], ["--version"], ["upload", "--help"], ["completion", "bash"]])(
    "%s loads no AWS SDK module",
    async (...args) => {
      const bin = await cliBin();
      const record = join(await mkdtemp(join(tmpdir(), "sb-imports-")), "imports.txt");
      const hook = join(repo, "test", "support", "record-imports.mjs");
      const r = await run(process.execPath, ["--import", hook, bin, ...args], {
        RECORD_IMPORTS: record,
      });
      expect(r.code).toBe(0);
      const imported = (await readFile(record, "utf8")).split("\n");
      expect(imported.some((url) => url.includes("/dist/cli/"))).toBe(true);
      expect(imported.filter((url) => /@aws-sdk|@smithy/.test(url))).toEqual([]);
    },
  );

  it("the package ships no source map whose sources it does not ship", async () => {
    const r = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
    expect(r.code).toBe(0);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain("dist/cli/main.js");
    for (const map of files.filter((f) => f.endsWith(".map"))) {
      const sources: string[] = JSON.parse(await readFile(join(repo, map), "utf8")).sources;
      for (const source of sources) expect(files).toContain(join(map, "..", source));
    }
  });
});
