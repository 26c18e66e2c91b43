import { chmod, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from "@aws-sdk/client-sts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseConfig, type StrongboxConfig } from "../../../../src/core/config.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import type { Role } from "../../../../src/core/roles.js";
import { type AssumeRoleRequest, assumeRoleSession } from "../../../../src/core/session/assume.js";
import { keyFingerprint, MfaSessionCache } from "../../../../src/core/session/mfa-cache.js";
import { mfaAgeSeconds } from "../../../../src/core/session/types.js";

/*
 * MFA sessions as aws-vault keeps them: a code opens an STS GetSessionToken
 * session, cached 0600 beside the role sessions, and every AssumeRole while it
 * lives is signed with it (carrying its MFA) without asking again. STS is
 * faked at STSClient.send: each call records which access key signed it.
 */

const T0 = Date.parse("2026-11-30T10:00:00Z");
const ACCOUNT = "123456789012";
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
const SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/alice`;
const BASE = { accessKeyId: "AKIAALICEEXAMPLE0001", secretAccessKey: "alice-long-term-secret" };
const roleArn = (r: Role) => `arn:aws:iam::${ACCOUNT}:role/sb-${r}`;

interface Call {
  op: string;
  signedBy: string;
  input: Record<string, unknown>;
}

function fakeSts(opts: { callerArn?: string; refuse?: (call: Call) => Error | undefined } = {}) {
  const calls: Call[] = [];
  let issued = 0;
  vi.spyOn(STSClient.prototype, "send").mockImplementation(async function (
    this: STSClient,
    command: unknown,
  ) {
    const creds = await (this.config.credentials as () => Promise<{ accessKeyId: string }>)();
    const op = (command as object).constructor.name.replace(/Command$/, "");
    const call: Call = {
      op,
      signedBy: creds.accessKeyId,
      input: (command as { input: Record<string, unknown> }).input,
    };
    calls.push(call);
    const refused = opts.refuse?.(call);
    if (refused !== undefined) throw refused;
    issued += 1;
    if (command instanceof GetCallerIdentityCommand)
      return { Arn: opts.callerArn ?? USER, Account: ACCOUNT, UserId: "AIDA" };
    if (command instanceof GetSessionTokenCommand) {
      return {
        Credentials: {
          AccessKeyId: `ASIAMFASESSION${String(issued).padStart(6, "0")}`,
          SecretAccessKey: `mfa-secret-${issued}`,
          SessionToken: `mfa-token-${issued}`,
          Expiration: new Date(
            clock.value + ((command.input.DurationSeconds as number) ?? 43200) * 1000,
          ),
        },
      };
    }
    if (command instanceof AssumeRoleCommand) {
      const name = command.input.RoleSessionName;
      return {
        Credentials: {
          AccessKeyId: `ASIAROLESESSION${String(issued).padStart(5, "0")}`,
          SecretAccessKey: `role-secret-${issued}`,
          SessionToken: `role-token-${issued}`,
          Expiration: new Date(clock.value + 3600_000),
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${command.input.RoleArn?.split("/")[1]}/${name}`,
          AssumedRoleId: "AROA:x",
        },
        SourceIdentity: command.input.SourceIdentity,
      };
    }
    throw new Error(`unexpected ${op}`);
  });
  return calls;
}

const clock = { value: T0 };
let dir: string;
let config: StrongboxConfig;

beforeEach(async () => {
  clock.value = T0;
  dir = await mkdtemp(join(tmpdir(), "sb-mfa-session-"));
  const awsConfig = join(dir, "aws-config");
  await writeFile(
    awsConfig,
    `[profile alice]\nregion = us-east-1\n\n[profile alice-mfa]\nmfa_serial = ${SERIAL}\n`,
  );
  vi.stubEnv("AWS_CONFIG_FILE", awsConfig);
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(dir, "no-credentials"));
  vi.stubEnv("AWS_PROFILE", "");
  config = parseConfig(
    {
      version: 1,
      region: "us-east-1",
      bucket: "sb-data",
      kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`,
      roles: { uploader: roleArn("uploader"), viewer: roleArn("viewer"), admin: roleArn("admin") },
      adminMfaRequired: true,
      adminMfaMaxAgeSeconds: 900,
      mfaSerial: SERIAL,
      maxSessionSeconds: 3600,
      endpoint: "http://127.0.0.1:1",
    },
    "test",
  );
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

function login(role: Role, over: Partial<AssumeRoleRequest> & { codes?: string[] } = {}) {
  const codes = over.codes ?? ["123456"];
  const asked: string[] = [];
  const decisions: string[] = [];
  const request: AssumeRoleRequest = {
    config,
    role,
    profile: "alice",
    baseCredentials: BASE,
    mfaCache: new MfaSessionCache(join(dir, "sessions"), () => clock.value),
    mfaCode: async (_serial, why) => {
      asked.push(why);
      const code = codes.shift();
      if (code === undefined) throw new StrongboxError("credentials", `${why}: no code was given`);
      return code;
    },
    now: () => clock.value,
    onDecision: (d) => void decisions.push(d),
    ...over,
  };
  return {
    asked,
    decisions,
    result: assumeRoleSession(request),
  };
}

const mfaFile = () => join(dir, "sessions", "mfa-alice.json");

describe("MFA session (GetSessionToken) cached across logins", () => {
  it("the Admin twice: one code, one GetSessionToken; both AssumeRoles signed by the MFA session", async () => {
    const calls = fakeSts();
    const first = login("admin");
    const s1 = await first.result;
    expect(first.asked).toEqual(["role admin needs MFA"]);
    const gst = calls.filter((c) => c.op === "GetSessionToken");
    expect(gst).toHaveLength(1);
    expect(gst[0]).toMatchObject({
      signedBy: BASE.accessKeyId,
      input: { SerialNumber: SERIAL, TokenCode: "123456", DurationSeconds: 3600 },
    });
    const assume1 = calls.filter((c) => c.op === "AssumeRole");
    expect(assume1).toHaveLength(1);
    expect(assume1[0]?.signedBy).toMatch(/^ASIAMFASESSION/);
    // MFA rides in the session: no code on the AssumeRole itself.
    expect(assume1[0]?.input).not.toHaveProperty("SerialNumber");
    expect(assume1[0]?.input).not.toHaveProperty("TokenCode");
    expect(s1).toMatchObject({ mfaAuthenticated: true, baseIdentityArn: USER });

    clock.value += 5 * 60_000;
    calls.length = 0;
    const second = login("admin", { codes: [] });
    const s2 = await second.result;
    expect(second.asked).toEqual([]);
    expect(calls.map((c) => c.op)).toEqual(["AssumeRole"]);
    expect(calls[0]?.signedBy).toBe(assume1[0]?.signedBy);
    expect(calls[0]?.input).toMatchObject({ RoleSessionName: "alice", SourceIdentity: "alice" });
    expect(s2.mfaAuthenticated).toBe(true);
    // The MFA's age counts from the code, not from this login.
    expect(s2.mfaAuthenticatedAt?.getTime()).toBe(T0);
    expect(mfaAgeSeconds(s2, clock.value)).toBe(300);
    expect(second.decisions.join("\n")).toMatch(
      /cached MFA session of profile alice .* valid until/,
    );
  });

  it("the cache file is 0600 in a 0700 folder; no decision ever shows a secret or the code", async () => {
    fakeSts();
    const run = login("admin", { codes: ["864209"] });
    await run.result;
    expect((await stat(mfaFile())).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "sessions"))).mode & 0o777).toBe(0o700);
    const entry = JSON.parse(await readFile(mfaFile(), "utf8"));
    expect(entry).toMatchObject({
      kind: "strongbox.mfa-session",
      profile: "alice",
      serialNumber: SERIAL,
      baseIdentityArn: USER,
      baseKeyFingerprint: keyFingerprint(BASE.accessKeyId),
      createdAt: new Date(T0).toISOString(),
    });
    expect(JSON.stringify(entry)).not.toContain(BASE.accessKeyId);
    expect(JSON.stringify(entry)).not.toContain(BASE.secretAccessKey);
    const said = run.decisions.join("\n");
    for (const secret of [
      entry.credentials.secretAccessKey,
      entry.credentials.sessionToken,
      "864209",
    ])
      expect(said).not.toContain(secret);
  });

  it("past the Admin's MFA age (aws:MultiFactorAuthAge) a new code is asked; other roles still reuse it", async () => {
    config = { ...config, mfaSessionSeconds: 12 * 3600 };
    const calls = fakeSts();
    await login("admin").result;
    clock.value += 15 * 60_000;
    const stale = login("admin", { codes: ["222333"] });
    await stale.result;
    expect(stale.asked).toEqual([
      expect.stringMatching(/^role admin needs MFA \(cached MFA session .* older than the 900s/),
    ]);
    expect(calls.filter((c) => c.op === "GetSessionToken")).toHaveLength(2);
    expect(calls.filter((c) => c.op === "GetSessionToken")[0]?.input.DurationSeconds).toBe(43200);
  });

  it("a profile with mfa_serial: every role goes through the MFA session, asked once", async () => {
    const calls = fakeSts();
    const viewer = login("viewer", { profile: "alice-mfa" });
    expect((await viewer.result).mfaAuthenticated).toBe(true);
    expect(viewer.asked).toEqual(["profile alice-mfa needs MFA (mfa_serial)"]);
    const uploader = login("uploader", { profile: "alice-mfa", codes: [] });
    expect((await uploader.result).mfaAuthenticated).toBe(true);
    expect(uploader.asked).toEqual([]);
    expect(calls.filter((c) => c.op === "GetSessionToken")).toHaveLength(1);
    // Without mfa_serial and for a role that needs none, no code and no MFA session.
    const plain = login("viewer", { codes: [] });
    expect((await plain.result).mfaAuthenticated).toBe(false);
    expect(plain.asked).toEqual([]);
  });

  it("an expired MFA session with no way to ask: a clear error saying it expired", async () => {
    fakeSts();
    await login("viewer", { profile: "alice-mfa" }).result;
    clock.value += 3600_000;
    const error = await login("viewer", { profile: "alice-mfa", codes: [] }).result.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StrongboxError);
    expect((error as Error).message).toBe(
      `profile alice-mfa needs MFA (mfa_serial) (cached MFA session of profile alice-mfa expired at ${new Date(T0 + 3600_000).toISOString()}): no code was given`,
    );
  });

  it("a cached MFA session STS refuses (InvalidClientTokenId) is dropped and a code asked again", async () => {
    let revoked = "";
    const calls = fakeSts({
      refuse: (c) => {
        if (c.op === "AssumeRole" && c.signedBy === revoked) {
          return Object.assign(new Error("The security token included in the request is invalid"), {
            name: "InvalidClientTokenId",
            $metadata: { httpStatusCode: 403 },
          });
        }
        return undefined;
      },
    });
    await login("admin").result;
    const firstKey = JSON.parse(await readFile(mfaFile(), "utf8")).credentials.accessKeyId;
    revoked = firstKey;
    const again = login("admin", { codes: ["444555"] });
    const session = await again.result;
    expect(again.asked).toEqual(["role admin needs MFA"]);
    expect(session.mfaAuthenticated).toBe(true);
    expect(calls.filter((c) => c.op === "GetSessionToken").map((c) => c.input.TokenCode)).toEqual([
      "123456",
      "444555",
    ]);
    expect(again.decisions.join("\n")).toMatch(
      /STS refused the cached MFA session .*asking for a new code/,
    );
    const entry = JSON.parse(await readFile(mfaFile(), "utf8"));
    expect(entry.credentials.accessKeyId).not.toBe(revoked);
  });

  it("a session made with other keys under the same profile name is not used", async () => {
    const calls = fakeSts();
    await login("admin").result;
    const other = login("admin", {
      baseCredentials: { accessKeyId: "AKIABOBEXAMPLE000002", secretAccessKey: "bob" },
      codes: ["777888"],
    });
    await other.result;
    expect(other.asked).toHaveLength(1);
    expect(other.decisions.join("\n")).toMatch(/made with other credentials \(ignored\)/);
    expect(calls.filter((c) => c.op === "GetSessionToken")).toHaveLength(2);
  });

  it("a code given up front (--mfa-code) opens a fresh MFA session even while one lives", async () => {
    const calls = fakeSts();
    await login("admin").result;
    clock.value += 60_000;
    const offered = login("admin", { mfaOffered: true, codes: ["999000"] });
    const s = await offered.result;
    expect(calls.filter((c) => c.op === "GetSessionToken")).toHaveLength(2);
    expect(s.mfaAuthenticatedAt?.getTime()).toBe(T0 + 60_000);
  });

  it("a base that is itself a role session cannot call GetSessionToken: MFA goes with the AssumeRole", async () => {
    const calls = fakeSts({ callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/sso-admin/alice` });
    const run = login("admin", {
      baseCredentials: { ...BASE, accessKeyId: "ASIASSOEXAMPLE000003", sessionToken: "sso" },
    });
    expect((await run.result).mfaAuthenticated).toBe(true);
    expect(calls.map((c) => c.op)).toEqual(["GetCallerIdentity", "AssumeRole"]);
    expect(calls[1]?.input).toMatchObject({ SerialNumber: SERIAL, TokenCode: "123456" });
    await expect(stat(mfaFile())).rejects.toThrow(/ENOENT/);
  });

  it("a wrong code: access denied naming the device, never the code; nothing cached", async () => {
    fakeSts({
      refuse: (c) =>
        c.op === "GetSessionToken"
          ? Object.assign(
              new Error("MultiFactorAuthentication failed with invalid MFA one time pass code."),
              { name: "AccessDenied", $metadata: { httpStatusCode: 403 } },
            )
          : undefined,
    });
    const error = (await login("admin", { codes: ["135791"] }).result.catch(
      (e: unknown) => e,
    )) as StrongboxError;
    expect(error).toMatchObject({ kind: "access-denied", exitCode: 3 });
    expect(error.message).toContain(`STS refused the MFA code for ${SERIAL}`);
    expect(`${error.message}${error.hint}`).not.toContain("135791");
    await expect(stat(mfaFile())).rejects.toThrow(/ENOENT/);
  });
});

describe("MfaSessionCache", () => {
  it("refuses a cache file others may read, with the chmod that fixes it", async () => {
    fakeSts();
    await login("admin").result;
    await chmod(mfaFile(), 0o644);
    const cache = new MfaSessionCache(join(dir, "sessions"), () => clock.value);
    await expect(cache.lookup("alice", keyFingerprint(BASE.accessKeyId))).rejects.toThrow(
      /others may read or change it/,
    );
  });

  it("deleteAll removes every profile's MFA session and leaves role sessions alone", async () => {
    fakeSts();
    await login("admin").result;
    await login("viewer", { profile: "alice-mfa" }).result;
    await writeFile(join(dir, "sessions", "viewer.json"), "{}", { mode: 0o600 });
    const cache = new MfaSessionCache(join(dir, "sessions"), () => clock.value);
    expect((await cache.deleteAll()).sort()).toEqual(["alice", "alice-mfa"]);
    expect(await cache.deleteAll()).toEqual([]);
    expect((await stat(join(dir, "sessions", "viewer.json"))).isFile()).toBe(true);
  });

  it("a profile name that is not a plain file name is stored under its hash", () => {
    const cache = new MfaSessionCache("/state/sessions");
    expect(cache.pathOf("work")).toBe("/state/sessions/mfa-work.json");
    expect(cache.pathOf("../../etc/x")).toMatch(/^\/state\/sessions\/mfa-[0-9a-f]{16}\.json$/);
  });
});
