import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { downloadTarget } from "../../../src/core/transfer/target.js";
import {
  COMMAND_NAMES,
  configWithSessions,
  liveIO as io,
  SECRET,
  useFakeS3,
} from "./cli-fixtures.js";

/**
 * Issue 12 habits, argv in → exit code and stdout/stderr out, against a local
 * stand-in for S3 that records every request (so "touches nothing" is checked).
 */
// These run the whole CLI in-process (first import, files, a local server): on a
// loaded 2-core machine the 5 s default is not a bound on anything they assert.
vi.setConfig({ testTimeout: 120_000 });

let requests: string[] = [];
const VERSIONS_XML = `<?xml version="1.0"?><ListVersionsResult><Name>sb-data</Name><Prefix>k.txt</Prefix><IsTruncated>false</IsTruncated>
<Version><Key>k.txt</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest><LastModified>2026-11-27T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>42</Size></Version></ListVersionsResult>`;
const s3 = useFakeS3((req, res) => {
  req.resume();
  req.on("end", () => {
    requests.push(`${req.method} ${req.url}`);
    if (req.method === "HEAD" && req.url?.includes("k.txt"))
      res.writeHead(200, { "content-length": "42" }).end();
    else if (req.method === "HEAD") res.writeHead(404).end();
    else if (req.method === "GET" && req.url?.includes("versions"))
      res.writeHead(200, { "content-type": "application/xml" }).end(VERSIONS_XML);
    else if (req.method === "DELETE") res.writeHead(204, { "x-amz-version-id": "dm1" }).end();
    else res.writeHead(200, { "x-amz-version-id": "v2" }).end("");
  });
});

async function setup(roles: ("uploader" | "viewer" | "admin")[] = ["admin"], mfa = true) {
  requests = [];
  return configWithSessions(s3.endpoint, roles, { mfa });
}

/** A terminal: stdin and stderr are TTYs; `answers` are typed at the prompts. */
function tty(answers: string[], env: NodeJS.ProcessEnv = {}) {
  const f = io(env);
  const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => {} });
  Object.assign(f.io.stderr, { isTTY: true });
  f.io.stdin = stdin as unknown as NodeJS.ReadStream;
  const asked: string[] = [];
  f.io.stderr.on("data", (c) => {
    if (/\? |\]: $/.test(String(c)) && answers.length > 0) {
      asked.push(String(c));
      stdin.write(`${answers.shift()}\n`);
    }
  });
  return { ...f, asked };
}

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

describe("2. the role is explicit", () => {
  it("two live sessions and no --role: a read says on stderr which role it used", async () => {
    const { configPath } = await setup(["viewer", "admin"]);
    const f = io();
    expect(await main(["whoami", "--config", configPath], f.io)).toBe(0);
    expect(f.stderr()).toMatch(
      /^note: using role viewer: the most recently logged-in of 2 live sessions \(viewer, admin\)/,
    );
  });

  it("a write with two live sessions and no terminal refuses (exit 2); STRONGBOX_ROLE settles it", async () => {
    const { dir, configPath } = await setup(["uploader", "admin"]);
    await writeFile(join(dir, "f.txt"), "x");
    const f = io();
    expect(await main(["upload", join(dir, "f.txt"), "--config", configPath], f.io)).toBe(2);
    expect(f.stderr()).toMatch(
      /2 role sessions are live \(uploader, admin\): say which one should upload\nhint: pass --role R, set STRONGBOX_ROLE/,
    );
    expect(requests).toEqual([]);
    const g = io({ STRONGBOX_ROLE: "admin" });
    expect(await main(["whoami", "--json", "--config", configPath], g.io)).toBe(0);
    expect(JSON.parse(g.stdout()).role).toBe("admin");
    expect(g.stderr()).toBe("");
  });

  it("a write with two live sessions on a terminal asks which role", async () => {
    const { configPath } = await setup(["viewer", "admin"]);
    const f = tty(["admin", "y"]);
    expect(await main(["rm", "k.txt", "--config", configPath], f.io)).toBe(0);
    expect(f.asked[0]).toMatch(/Role to delete as \[viewer\]: $/);
    expect(requests.filter((r) => r.startsWith("DELETE"))).toHaveLength(1);
  });

  it("a bad STRONGBOX_ROLE is a usage error", async () => {
    const { configPath } = await setup();
    const f = io({ STRONGBOX_ROLE: "root" });
    expect(await main(["ls", "--config", configPath], f.io)).toBe(2);
    expect(f.stderr()).toContain(
      'STRONGBOX_ROLE must be one of uploader, viewer, admin, not "root"',
    );
  });
});

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

describe("5. exec and env hand a role session to another tool", () => {
  it("exec runs CMD with the session's variables and passes on its exit code", async () => {
    const { configPath } = await setup(["viewer"]);
    const f = io({ AWS_PROFILE: "someone-else", PATH: process.env.PATH });
    const script =
      "process.exit(process.env.AWS_ACCESS_KEY_ID==='ASIAEXAMPLEEXAMPLE01' && process.env.STRONGBOX_ROLE==='viewer' && !process.env.AWS_PROFILE ? 7 : 1)";
    expect(
      await main(
        ["exec", "--role", "viewer", "--config", configPath, "--", process.execPath, "-e", script],
        f.io,
      ),
    ).toBe(7);
  });

  it("env prints shell exports; --json names the variables without their values", async () => {
    const { configPath } = await setup(["viewer"]);
    const f = io();
    expect(await main(["env", "--role", "viewer", "--config", configPath], f.io)).toBe(0);
    expect(f.stdout()).toContain(`export AWS_SECRET_ACCESS_KEY='${SECRET}'`);
    const j = io();
    expect(await main(["env", "--role", "viewer", "--json", "--config", configPath], j.io)).toBe(0);
    expect(j.stdout()).not.toContain(SECRET);
    expect(JSON.parse(j.stdout()).variables).toContain("AWS_SESSION_TOKEN");
  });
});

describe("6. help that teaches", () => {
  it.each(COMMAND_NAMES)("%s --help: examples and the global options", async (command) => {
    const f = io();
    expect(await main([command, "--help"], f.io)).toBe(0);
    const help = f.stdout();
    expect(help).toMatch(/Examples:\n {2}\$ strongbox .*\n {2}\$ /);
    expect(help).toMatch(/Global Options:[\s\S]*--json[\s\S]*--config/);
  });

  it("top-level help lists exit codes and environment variables; --version is package.json's", async () => {
    const f = io();
    expect(await main(["--help"], f.io)).toBe(0);
    expect(f.stdout()).toMatch(/Exit codes:\n {2}0 {4}ok[\s\S]*130 {2}interrupted/);
    expect(f.stdout()).toMatch(/Environment:[\s\S]*STRONGBOX_ROLE/);
    const v = io();
    expect(await main(["--version"], v.io)).toBe(0);
    const pkg = JSON.parse(
      await readFile(new URL("../../../package.json", import.meta.url), "utf8"),
    );
    expect(v.stdout()).toBe(`${pkg.version}\n`);
  });

  it("commander's own errors come in the one style: strongbox: … then hint: …", async () => {
    const f = io();
    expect(await main(["ls", "--bogus"], f.io)).toBe(2);
    expect(f.stderr()).toBe(
      "strongbox: unknown option '--bogus'\nhint: see `strongbox ls --help`\n",
    );
  });
});

describe("8. completion", () => {
  it.each(["bash", "zsh", "fish"])(
    "completion %s names every command; the script parses",
    async (shell) => {
      const f = io();
      expect(await main(["completion", shell], f.io)).toBe(0);
      const script = f.stdout();
      for (const command of ["upload", "download", "rm", "exec", "completion"])
        expect(script).toContain(command);
      expect(script).toMatch(/(--|-l )role/);
      const checker = spawnSync(shell, ["-n"], { input: script, encoding: "utf8" });
      if (checker.error === undefined) expect(checker.status, checker.stderr).toBe(0);
      else expect(shell).not.toBe("bash"); // bash is always here; zsh and fish may not be
    },
  );
});

describe("5. credentials like the AWS CLI", () => {
  it("a missing --profile is named in the error, and the hint does not suggest --profile", async () => {
    const { dir, configPath } = await setup([]);
    await writeFile(join(dir, "aws-config"), "[default]\nregion = us-east-1\n");
    const f = io({
      AWS_CONFIG_FILE: join(dir, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    });
    const saved = { ...process.env };
    // The SDK's chain reads process.env itself.
    Object.assign(process.env, f.io.env);
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_ACCESS_KEY_ID;
    try {
      expect(
        await main(
          ["login", "--role", "viewer", "--profile", "nosuch", "--config", configPath],
          f.io,
        ),
      ).toBe(5);
    } finally {
      process.env = saved;
    }
    expect(f.stderr()).toMatch(/^strongbox: AWS profile "nosuch" gives no credentials/);
    // The hint names the files the SDK read (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE).
    expect(f.stderr()).toContain(
      `\nhint: check [profile nosuch] in ${join(dir, "aws-config")} or [nosuch] in ${join(dir, "aws-credentials")}`,
    );
    expect(f.stderr()).not.toContain("pass --profile");
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

describe("README: its command section is the help's", () => {
  it.each(COMMAND_NAMES)("every example of %s --help is in the README", async (command) => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const f = io();
    expect(await main([command, "--help"], f.io)).toBe(0);
    const shown = (f.stdout().split("\nExamples:\n")[1] ?? "")
      .split("\n")
      .filter((line) => line.startsWith("  $ "))
      .map((line) => line.slice("  $ ".length));
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const example of shown) expect(readme).toContain(example);
  });
});
