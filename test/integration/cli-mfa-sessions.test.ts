import { spawn } from "node:child_process";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { keyFingerprint, MfaSessionCache } from "../../src/core/session/mfa-cache.js";
import { cliBin, cliSandbox } from "./cli-helpers.js";
import { loginAs, loginAsAdminOnTerminal, type Sandbox } from "./support/cli-login.js";

/**
 * The MFA session (aws-vault's way): an Admin whose role demands MFA types the
 * code once; STS GetSessionToken's session is cached beside the role sessions
 * and the next logins assume the role with it, asking nothing.
 */
describe("MFA session cached across logins (local stack)", () => {
  let sb: Sandbox;
  const serial = "arn:aws:iam::123456789012:mfa/demo-admin";
  const mfaFile = () => join(sb.sessionsDir, "mfa-local-admin.json");
  beforeAll(async () => {
    sb = await cliSandbox();
    const config = JSON.parse(await readFile(sb.configPath, "utf8"));
    await writeFile(
      sb.configPath,
      JSON.stringify({ ...config, adminMfaRequired: true, mfaSerial: serial }),
    );
  });

  const loginOnTerminal = (questions: string[]) =>
    loginAsAdminOnTerminal(sb, sb.configPath, "246810", questions);

  it("logs in twice as Admin on a terminal and is asked for the code once", async () => {
    const questions: string[] = [];
    const first = await loginOnTerminal(questions);
    const second = await loginOnTerminal(questions);
    expect(questions).toEqual([`MFA code for ${serial}: `]);
    for (const r of [first, second]) expect(r).toMatchObject({ role: "admin", mfa: true });
    expect((await stat(mfaFile())).mode & 0o777).toBe(0o600);
    const entry = JSON.parse(await readFile(mfaFile(), "utf8"));
    expect(entry).toMatchObject({
      kind: "strongbox.mfa-session",
      profile: "local-admin",
      serialNumber: serial,
      baseIdentityArn: sb.stack.demoPrincipals.admin.user_arn,
    });
    // The role session records when the MFA was given: the first login's code.
    const admin = JSON.parse(await readFile(join(sb.sessionsDir, "admin.json"), "utf8"));
    expect(admin.mfaAuthenticatedAt).toBe(entry.createdAt);
  });

  it("through the binary without a terminal: the cached MFA session serves, and no secret is printed", async () => {
    const r = await sb.run(loginAs("admin", "--debug"));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/debug: cached MFA session of profile local-admin .* valid until/);
    const entry = JSON.parse(await readFile(mfaFile(), "utf8"));
    for (const secret of Object.values(entry.credentials) as string[])
      expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it("an expired MFA session without a terminal: exit 5 saying so; logout forgets it", async () => {
    const entry = JSON.parse(await readFile(mfaFile(), "utf8"));
    const expiredAt = new Date(Date.now() - 60_000).toISOString();
    await writeFile(mfaFile(), JSON.stringify({ ...entry, expiration: expiredAt }), {
      mode: 0o600,
    });
    const r = await sb.run(loginAs("admin"));
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      `strongbox: role admin needs MFA (cached MFA session of profile local-admin expired at ${expiredAt}): no code was given`,
    );
    expect(r.stderr).toMatch(/hint: .*--mfa-code -.*STRONGBOX_MFA_CODE/);
    // STRONGBOX_MFA_CODE opens a new one; logout removes it; then a code is needed again.
    const again = await sb.run(loginAs("admin"), {
      STRONGBOX_MFA_CODE: "135790",
    });
    expect(again.code).toBe(0);
    const out = await sb.run(["logout", "--json"]);
    expect(out.json()).toEqual({ removed: ["admin"], mfaSessions: ["local-admin"] });
    const none = await sb.run(loginAs("admin"));
    expect(none.code).toBe(5);
    expect(none.stderr).toContain("strongbox: role admin needs MFA: no code was given");
  });
});

describe("MFA session file under SIGKILL (built code)", () => {
  it("a writer killed at any moment leaves the old session or the new one, never half a file", async () => {
    const dir = join(await mkdtemp(join(tmpdir(), "sb-mfa-kill-")), "sessions");
    const module = pathToFileURL(
      join(dirname(await cliBin()), "..", "core", "session", "mfa-cache.js"),
    );
    // Writes ever-new MFA sessions (with long tokens) as fast as it can until killed.
    const writer = `
      const { MfaSessionCache } = await import(${JSON.stringify(module.href)});
      const cache = new MfaSessionCache(${JSON.stringify(dir)});
      for (let i = 0; ; i++) {
        await cache.write({
          profile: "alice", serialNumber: "arn:aws:iam::123456789012:mfa/alice",
          baseIdentityArn: "arn:aws:iam::123456789012:user/alice", baseKeyFingerprint: "${keyFingerprint("AKIAALICE")}",
          createdAt: new Date(), credentials: { accessKeyId: "ASIA" + i, secretAccessKey: "s".repeat(40),
          sessionToken: String(i).repeat(4000), expiration: new Date(Date.now() + 3600e3) } });
        if (i === 3) process.stdout.write("writing\\n");
      }`;
    const cache = new MfaSessionCache(dir);
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ["--input-type=module", "-e", writer], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((started) => child.stdout.once("data", () => started()));
      await new Promise((r) => setTimeout(r, Math.random() * 30));
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGKILL");
      await exited;
      const found = await cache.lookup("alice", keyFingerprint("AKIAALICE"));
      expect(found, found.reason).toMatchObject({ use: true });
    }
  });
});
