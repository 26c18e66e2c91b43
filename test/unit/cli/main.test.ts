import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, commandsFor } from "../../../src/cli/command-table.js";
import { main } from "../../../src/cli/main.js";
import { SessionCache } from "../../../src/core/session/cache.js";
import { MfaSessionCache } from "../../../src/core/session/mfa-cache.js";
import {
  COMMAND_NAMES,
  fakeIO,
  SECRET,
  T0,
  testSession,
  testSessionsDir,
  writeTestConfig,
} from "./cli-fixtures.js";

async function stackDir() {
  const configPath = await writeTestConfig(await mkdtemp(join(tmpdir(), "sb-main-")));
  const cache = new SessionCache(testSessionsDir(configPath), () => T0);
  return { configPath, cache };
}

async function writeSession(cache: SessionCache, role: "viewer" | "admin", expiresAt: number) {
  await cache.write(testSession(role, expiresAt));
}

describe("main: exit codes and output channels", () => {
  it("--help exits 0", async () => {
    const f = fakeIO();
    expect(await main(["--help"], f.io)).toBe(0);
    expect(f.stdout()).toContain("Usage: strongbox");
  });

  it("an unknown option exits 2 and leaves stdout empty", async () => {
    const f = fakeIO();
    expect(await main(["ls", "--bogus"], f.io)).toBe(2);
    expect(f.stdout()).toBe("");
    expect(f.stderr()).toContain("unknown option '--bogus'");
  });

  it("a usage error with --json: error object on stdout, commander's sentence once on stderr", async () => {
    const f = fakeIO();
    expect(await main(["--json", "login", "--role", "root"], f.io)).toBe(2);
    expect(JSON.parse(f.stdout())).toMatchObject({ error: { kind: "usage", exitCode: 2 } });
    expect(f.stderr().match(/is invalid/g)).toHaveLength(1);
  });

  it("a bad option value exits 2 with one sentence, no stack", async () => {
    const f = fakeIO();
    expect(await main(["presign", "get", "k", "--expires", "30d"], f.io)).toBe(2);
    expect(f.stderr()).toBe("strongbox: --expires may be at most 7d (SigV4's limit)\n");
  });

  it("missing config: exit 2, hint on stderr; --json adds the error object on stdout", async () => {
    const f = fakeIO({ env: { STRONGBOX_CONFIG: "/nonexistent/c.json" } });
    expect(await main(["ls"], f.io)).toBe(2);
    expect(f.stdout()).toBe("");
    expect(f.stderr()).toMatch(
      /^strongbox: no Strongbox config at \/nonexistent\/c\.json\nhint: run `strongbox configure/,
    );
    const j = fakeIO({ env: { STRONGBOX_CONFIG: "/nonexistent/c.json" } });
    expect(await main(["ls", "--json"], j.io)).toBe(2);
    expect(JSON.parse(j.stdout())).toMatchObject({ error: { kind: "usage", exitCode: 2 } });
  });

  it("not logged in → exit 5 naming the login command", async () => {
    const { configPath } = await stackDir();
    const f = fakeIO();
    expect(await main(["whoami", "--config", configPath], f.io)).toBe(5);
    expect(f.stderr()).toMatch(
      /not logged in; run `strongbox login --role uploader\|viewer\|admin`/,
    );
  });

  it("expired session → exit 5 saying when it expired", async () => {
    const { configPath, cache } = await stackDir();
    await writeSession(cache, "viewer", T0 + 60_000);
    const f = fakeIO({ now: () => T0 + 120_000 });
    expect(await main(["whoami", "--role", "viewer", "--config", configPath], f.io)).toBe(5);
    expect(f.stderr()).toContain(
      "session for role viewer expired at 2026-11-28T00:01:00.000Z; run `strongbox login --role viewer`",
    );
  });

  it("whoami --json: result on stdout, no credentials anywhere", async () => {
    const { configPath, cache } = await stackDir();
    await writeSession(cache, "viewer", T0 + 3600_000);
    const f = fakeIO({ now: () => T0 + 600_000 });
    expect(await main(["--json", "whoami", "--config", configPath], f.io)).toBe(0);
    const result = JSON.parse(f.stdout());
    expect(result).toMatchObject({
      role: "viewer",
      identity: "arn:aws:iam::123456789012:user/alice",
      sourceIdentity: "alice",
      expiration: "2026-11-28T01:00:00.000Z",
      remainingSeconds: 3000,
    });
    expect(f.stdout() + f.stderr()).not.toContain(SECRET);
    expect(f.stdout()).not.toContain("ASIAEXAMPLE");
  });

  it("whoami human text shows role, identity, expiry and time left", async () => {
    const { configPath, cache } = await stackDir();
    await writeSession(cache, "admin", T0 + 3600_000);
    const f = fakeIO({ now: () => T0 });
    expect(await main(["whoami", "--config", configPath], f.io)).toBe(0);
    expect(f.stdout()).toMatch(/role {7}admin/);
    expect(f.stdout()).toMatch(/expires {4}2026-11-28T01:00:00Z \(1h00m left\)/);
  });

  it("logout removes cached sessions", async () => {
    const { configPath, cache } = await stackDir();
    await writeSession(cache, "viewer", T0 + 3600_000);
    await writeSession(cache, "admin", T0 + 3600_000);
    const f = fakeIO();
    expect(await main(["logout", "--role", "viewer", "--json", "--config", configPath], f.io)).toBe(
      0,
    );
    expect(JSON.parse(f.stdout())).toEqual({ removed: ["viewer"], mfaSessions: [] });
    // A logout without --role also forgets the MFA session, so the next login asks for a code.
    const mfa = new MfaSessionCache(cache.dir, () => T0);
    const mfaPath = await mfa.write({
      profile: "alice",
      serialNumber: "arn:aws:iam::123456789012:mfa/alice",
      baseIdentityArn: "arn:aws:iam::123456789012:user/alice",
      baseKeyFingerprint: "0123456789abcdef",
      createdAt: new Date(T0),
      credentials: {
        accessKeyId: "ASIAMFAEXAMPLE000001",
        secretAccessKey: "mfa-secret",
        sessionToken: "mfa-token",
        expiration: new Date(T0 + 3600_000),
      },
    });
    const g = fakeIO();
    expect(await main(["logout", "--config", configPath], g.io)).toBe(0);
    expect(g.stdout()).toBe("logged out: admin; MFA session of profile alice removed\n");
    await expect(stat(mfaPath)).rejects.toThrow(/ENOENT/);
  });

  it("a failure while interrupted exits 130", async () => {
    const f = fakeIO({ env: { STRONGBOX_CONFIG: "/nonexistent/c.json" }, aborted: true });
    expect(await main(["ls"], f.io)).toBe(130);
  });

  it("stack traces appear only with --debug", async () => {
    const quiet = fakeIO({ env: { STRONGBOX_CONFIG: "/nonexistent/c.json" } });
    await main(["ls"], quiet.io);
    expect(quiet.stderr()).not.toMatch(/\n\s+at /);
    const loud = fakeIO({ env: { STRONGBOX_CONFIG: "/nonexistent/c.json" } });
    await main(["ls", "--debug"], loud.io);
    expect(loud.stderr()).toMatch(/\n\s+at /);
  });
});

describe("commandsFor: only the command being run is imported", () => {
  it.each([
    [["ls"], ["ls"]],
    [["--config", "/x.json", "whoami"], ["whoami"]],
    [["--profile", "upload", "ls"], ["ls"]],
    [["upload", "f"], ["upload"]],
    [["--json", "download", "k"], ["download"]],
    [["env", "--role", "viewer"], ["exec"]],
    [["ui"], ["ui"]],
  ])("%j → %j", (argv, names) => {
    expect(commandsFor(argv).map((c) => c.name)).toEqual(names);
  });

  it.each([[["--help"]], [["completion", "bash"]], [["help", "upload"]], [["frobnicate"]], [[]]])(
    "%j → every command",
    (argv) => {
      expect(commandsFor(argv)).toEqual(COMMANDS);
    },
  );

  it("every §4 command is on the program for help", async () => {
    const f = fakeIO();
    await main(["--help"], f.io);
    for (const name of COMMAND_NAMES) {
      expect(f.stdout()).toMatch(new RegExp(`^  ${name} `, "m"));
    }
  });
});
