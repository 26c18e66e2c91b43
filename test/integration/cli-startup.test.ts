import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { testConfig } from "../support/config.js";
import { cliBin } from "./cli-helpers.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const run = (file: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number; stdout: string }>((done) =>
    execFile(file, args, { env: { ...process.env, ...env }, cwd: repo }, (err, stdout) =>
      done({ code: err === null ? 0 : Number(err.code ?? -1), stdout }),
    ),
  );

/** esbuild's metafile beside the bundle (scripts/bundle.mjs): output file → the sources it holds. */
interface Metafile {
  outputs: Record<
    string,
    { inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }
  >;
}
const SDK = /node_modules\/(@aws-sdk|@smithy)\//;

/** The bundle's files (paths as the metafile names them) that hold AWS SDK code. */
async function sdkOutputs(bin: string): Promise<{ meta: Metafile; sdk: Set<string> }> {
  const meta: Metafile = JSON.parse(await readFile(join(dirname(bin), "meta.json"), "utf8"));
  const sdk = new Set(
    Object.entries(meta.outputs)
      .filter(([, out]) => Object.keys(out.inputs).some((input) => SDK.test(input)))
      .map(([path]) => path),
  );
  return { meta, sdk };
}

/** Issue 12 item 8, on the built binary: startup without the SDK; a package without dangling source maps. */
describe("strongbox binary: startup and package", () => {
  it("the bundle keeps the SDK in chunks of its own, outside what main.js loads before it runs", async () => {
    const bin = await cliBin();
    const { meta, sdk } = await sdkOutputs(bin);
    // The guard can fail: the SDK is in the bundle, in chunks that the detector finds.
    expect(sdk.size).toBeGreaterThan(0);
    const entry = relative(repo, bin);
    const loaded = new Set<string>();
    const visit = (path: string) => {
      if (loaded.has(path)) return;
      loaded.add(path);
      for (const i of meta.outputs[path]?.imports ?? [])
        if (i.kind === "import-statement") visit(i.path);
    };
    visit(entry);
    expect(loaded.size).toBeGreaterThan(1);
    expect([...loaded].filter((path) => sdk.has(path))).toEqual([]);
  });

  it("the bundle holds no code of the optional AGPL policy simulator (imported from node_modules)", async () => {
    const { meta } = await sdkOutputs(await cliBin());
    const inputs = Object.values(meta.outputs).flatMap((out) => Object.keys(out.inputs));
    expect(inputs.some((input) => input.startsWith("src/core/access/"))).toBe(true);
    expect(inputs.filter((input) => input.includes("@cloud-copilot/"))).toEqual([]);
  });

  it.each([["--help"], ["--version"], ["upload", "--help"], ["completion", "bash"]])(
    "%s loads no AWS SDK module",
    async (...args) => {
      const bin = await cliBin();
      const { sdk } = await sdkOutputs(bin);
      const record = join(await mkdtemp(join(tmpdir(), "sb-imports-")), "imports.txt");
      const hook = join(repo, "test", "support", "record-imports.mjs");
      const r = await run(process.execPath, ["--import", hook, bin, ...args], {
        RECORD_IMPORTS: record,
      });
      expect(r.code).toBe(0);
      const imported = (await readFile(record, "utf8")).split("\n").filter((url) => url !== "");
      const files = imported
        .filter((url) => url.startsWith("file:"))
        .map((url) => relative(repo, fileURLToPath(url)));
      // The bundle ran (its chunks were loaded), and none of them holds SDK code.
      expect(files).toContain(relative(repo, bin));
      expect(files.length).toBeGreaterThan(1);
      expect(files.filter((file) => sdk.has(file))).toEqual([]);
      expect(imported.filter((url) => SDK.test(url))).toEqual([]);
    },
  );

  it("with --enable-source-maps, a --debug stack trace points at src/", async () => {
    const bin = await cliBin();
    const r = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(
        process.execPath,
        ["--enable-source-maps", bin, "--debug", "ls"],
        {
          env: {
            ...process.env,
            STRONGBOX_CONFIG: join(tmpdir(), "sb-no-such-dir", "config.json"),
          },
        },
        (err, _stdout, stderr) => done({ code: err === null ? 0 : Number(err.code ?? -1), stderr }),
      ),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("no Strongbox config");
    expect(r.stderr).toMatch(/at .*\/src\/core\/config\.ts:\d+:\d+/);
  });

  it("the package ships the bundle and no source map whose sources it does not ship", async () => {
    const r = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
    expect(r.code).toBe(0);
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    const pkg = JSON.parse(await readFile(join(repo, "package.json"), "utf8"));
    expect(files).toContain(pkg.bin.strongbox);
    for (const map of files.filter((f) => f.endsWith(".map"))) {
      const sources: string[] = JSON.parse(await readFile(join(repo, map), "utf8")).sources;
      for (const source of sources) expect(files).toContain(join(map, "..", source));
    }
  });
});

const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
  });

/** The page's folder is found from the bundle (src/cli/package-files.ts), not from src/. */
describe("strongbox ui from the binary", () => {
  it("serves the built page and its assets", async () => {
    const bin = await cliBin();
    const dir = await mkdtemp(join(tmpdir(), "sb-ui-bin-"));
    const port = await freePort();
    const configPath = join(dir, "config.json");
    await writeFile(
      configPath,
      JSON.stringify(
        testConfig({ bucket: "strongbox-ui-test", uiOrigins: [`http://127.0.0.1:${port}`] }),
      ),
    );
    const child = spawn(process.execPath, [bin, "ui", "--idle", "2m"], {
      env: {
        ...process.env,
        STRONGBOX_CONFIG: configPath,
        STRONGBOX_STATE_DIR: join(dir, "state"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      let stderr = "";
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const line = await new Promise<string>((done, fail) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          const m = /^ui: (\S+)$/m.exec(out);
          if (m) done(m[1] as string);
        });
        child.on("exit", (code) => fail(new Error(`ui exited ${code}: ${stderr}`)));
      });
      const origin = new URL(line).origin;
      expect(origin).toBe(`http://127.0.0.1:${port}`);
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const scripts = [...html.matchAll(/src="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const asset = await fetch(`${origin}/${script}`);
        expect(asset.status, script).toBe(200);
        expect(asset.headers.get("content-type")).toMatch(/javascript/);
        await asset.arrayBuffer();
      }
    } finally {
      child.kill("SIGINT");
      await exited;
    }
  });
});
