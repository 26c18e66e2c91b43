import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliSandbox } from "./cli-helpers.js";
import { loginAs, loginAsAdminOnTerminal, type Sandbox } from "./support/cli-login.js";

/**
 * Role sessions end to end, through the built `strongbox` binary against the
 * Terraform-applied local stack: the demo users (profiles local-<role>) assume
 * their roles with STS; the cache is checked on disk.
 */
describe("strongbox login / whoami / logout (local stack)", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await cliSandbox();
  });

  it("each role logs in through its demo profile; the session records the person", async () => {
    for (const role of ["uploader", "viewer", "admin"] as const) {
      const r = await sb.run(loginAs(role, "--json"));
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const user = sb.stack.demoPrincipals[role].user_arn;
      const name = user.split("/").at(-1) as string;
      expect(r.json()).toMatchObject({
        role,
        roleArn: expect.stringContaining(":role/"),
        identity: user,
        sourceIdentity: name,
        mfa: false,
      });
      expect(r.json().assumedRoleArn).toMatch(new RegExp(`:assumed-role/.+/${name}$`));
      expect(r.json().remainingSeconds).toBeGreaterThan(3000);
    }
  });

  it("the cache is owner-only and self-describing, with no secrets printed", async () => {
    expect((await stat(sb.sessionsDir)).mode & 0o777).toBe(0o700);
    for (const role of ["uploader", "viewer", "admin"]) {
      const file = join(sb.sessionsDir, `${role}.json`);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const entry = JSON.parse(await readFile(file, "utf8"));
      expect(entry).toMatchObject({
        kind: "strongbox.role-session",
        role,
        sourceIdentity: expect.any(String),
      });
      const who = await sb.run(["whoami", "--role", role]);
      expect(who.stdout + who.stderr).not.toContain(entry.credentials.secretAccessKey);
      expect(who.stdout + who.stderr).not.toContain(entry.credentials.sessionToken);
    }
  });

  it("whoami without --role reports the most recent login (admin), with expiry and time left", async () => {
    const r = await sb.run(["whoami"]);
    expect(r.code).toBe(0);
    // Three live sessions and no --role: which one was used is said on stderr.
    expect(r.stderr).toMatch(
      /^note: using role admin: the most recently logged-in of 3 live sessions/,
    );
    expect(r.stdout).toMatch(/^role {7}admin \(arn:aws:iam::\d+:role\/.+\)$/m);
    expect(r.stdout).toMatch(/^identity {3}arn:aws:iam::\d+:user\/.+-admin$/m);
    expect(r.stdout).toMatch(/^expires {4}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(\d+m\d\ds left\)$/m);
  });

  it("a valid session is reused: commands don't touch the cache file", async () => {
    const file = join(sb.sessionsDir, "viewer.json");
    const before = await readFile(file, "utf8");
    const r = await sb.run(["ls", "--role", "viewer", "--debug"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/debug: cached session for role viewer valid until .+ left\)/);
    expect(await readFile(file, "utf8")).toBe(before);
  });

  it("a session inside the 5-minute window is refused with the login sentence (exit 5)", async () => {
    const file = join(sb.sessionsDir, "viewer.json");
    const entry = JSON.parse(await readFile(file, "utf8"));
    const expiresAt = new Date(Date.now() + 2 * 60_000).toISOString();
    await writeFile(file, JSON.stringify({ ...entry, expiration: expiresAt }), { mode: 0o600 });
    const r = await sb.run(["ls", "--role", "viewer"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      `session for role viewer expires at ${expiresAt}; run \`strongbox login --role viewer\``,
    );
    const debug = await sb.run(["ls", "--role", "viewer", "--debug"]);
    expect(debug.stderr).toMatch(/inside the 5m refresh window/);
  });

  it("an expired session: exit 5 naming the role and when it expired; login again fixes it", async () => {
    const file = join(sb.sessionsDir, "viewer.json");
    const entry = JSON.parse(await readFile(file, "utf8"));
    const expiredAt = new Date(Date.now() - 60_000).toISOString();
    await writeFile(file, JSON.stringify({ ...entry, expiration: expiredAt }), { mode: 0o600 });
    const r = await sb.run(["versions", "some-key", "--role", "viewer", "--json"]);
    expect(r.code).toBe(5);
    expect(r.json().error).toMatchObject({
      kind: "credentials",
      exitCode: 5,
      message: `session for role viewer expired at ${expiredAt}; run \`strongbox login --role viewer\``,
    });
    expect((await sb.run(loginAs("viewer"))).code).toBe(0);
    expect((await sb.run(["ls", "--role", "viewer"])).code).toBe(0);
  });

  it("--duration sets the session length; beyond the role's maximum is a usage error", async () => {
    const r = await sb.run(loginAs("uploader", "--duration", "20m", "--json"));
    expect(r.code).toBe(0);
    expect(r.json().remainingSeconds).toBeGreaterThan(19 * 60);
    expect(r.json().remainingSeconds).toBeLessThanOrEqual(20 * 60);
    const long = await sb.run(loginAs("uploader", "--duration", "13h"));
    expect(long.code).toBe(2);
    expect(long.stderr).toMatch(/longer than the roles' maximum session/);
  });

  it("MFA: --mfa-code without a known device is refused; with mfa_serial on the profile it is sent", async () => {
    const none = await sb.run(loginAs("admin", "--mfa-code", "123456"));
    expect(none.code).toBe(5);
    expect(none.stderr).toMatch(/no MFA device is known for profile local-admin/);
    // The hint names the device in the caller's own partition and account.
    expect(none.stderr).toMatch(
      /mfa_serial = arn:aws:iam::\d{12}:mfa\/NAME to profile local-admin/,
    );

    const awsConfig = join(sb.dir, "aws-config-mfa");
    const original = await readFile(sb.stack.awsConfigFile, "utf8");
    await writeFile(
      awsConfig,
      original.replace(
        "[profile local-admin]",
        "[profile local-admin]\nmfa_serial = arn:aws:iam::123456789012:mfa/demo-admin",
      ),
    );
    const r = await sb.run(loginAs("admin", "--mfa-code", "123456", "--json"), {
      AWS_CONFIG_FILE: awsConfig,
    });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ role: "admin", mfa: true });
  });

  it("a role that demands MFA: no TTY → exit 5 asking for --mfa-code; a TTY prompt is used (device from the config)", async () => {
    const mfaConfig = join(sb.dir, "config-mfa.json");
    const config = JSON.parse(await readFile(sb.configPath, "utf8"));
    const serial = "arn:aws:iam::123456789012:mfa/from-config";
    await writeFile(
      mfaConfig,
      JSON.stringify({ ...config, adminMfaRequired: true, mfaSerial: serial }),
    );

    const noTty = await sb.run(loginAs("admin", "--config", mfaConfig));
    expect(noTty.code).toBe(5);
    expect(noTty.stderr).toContain("role admin needs MFA: no code was given");
    expect(noTty.stderr).toMatch(/hint: .*--mfa-code -.*STRONGBOX_MFA_CODE/);

    // In-process, as main would run it on a terminal: the prompt callback supplies the code.
    const questions: string[] = [];
    const result = await loginAsAdminOnTerminal(sb, mfaConfig, "654321", questions);
    expect(questions).toEqual([`MFA code for ${serial}: `]);
    expect(result).toMatchObject({ role: "admin", mfa: true });
  });

  it("without --profile a login starts from the config's profile for the role; AWS_PROFILE wins", async () => {
    // The local stack's config names each role's demo profile (`profiles`).
    const viewer = await sb.run(["login", "--role", "viewer", "--json"]);
    expect(viewer.code, viewer.stderr).toBe(0);
    expect(viewer.json().identity).toBe(sb.stack.demoPrincipals.viewer.user_arn);
    const asAdminUser = await sb.run(["login", "--role", "viewer", "--json"], {
      AWS_PROFILE: "local-admin",
    });
    expect(asAdminUser.code, asAdminUser.stderr).toBe(0);
    expect(asAdminUser.json().identity).toBe(sb.stack.demoPrincipals.admin.user_arn);
  });

  it("a profile with no credentials → exit 5 naming it, without suggesting --profile again", async () => {
    const r = await sb.run(["login", "--role", "viewer", "--profile", "no-such-profile"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^strongbox: AWS profile "no-such-profile" gives no credentials/);
    expect(r.stderr).toMatch(/\nhint: check \[profile no-such-profile\]/);
    expect(r.stderr).not.toMatch(/pass --profile/);
  });

  it("logout --role removes one session; logout removes the rest", async () => {
    const one = await sb.run(["logout", "--role", "viewer", "--json"]);
    expect(one.json()).toEqual({ removed: ["viewer"], mfaSessions: [] });
    const after = await sb.run(["ls", "--role", "viewer"]);
    expect(after.code).toBe(5);
    expect(after.stderr).toContain("not logged in as viewer; run `strongbox login --role viewer`");
    const rest = await sb.run(["logout", "--json"]);
    expect(rest.json().removed.sort()).toEqual(["admin", "uploader"]);
    // The --mfa-code login above opened an MFA session for local-admin: gone too.
    expect(rest.json().mfaSessions).toEqual(["local-admin"]);
    await expect(stat(join(sb.sessionsDir, "mfa-local-admin.json"))).rejects.toThrow(/ENOENT/);
    const none = await sb.run(["whoami"]);
    expect(none.code).toBe(5);
    expect(none.stderr).toMatch(/not logged in/);
  });
});
