import { stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { mfaAgeSeconds } from "../../../../src/core/session/types.js";
import {
  ACCOUNT,
  BASE,
  clock,
  fakeSts,
  login,
  mfaFile,
  SERIAL,
  state,
  T0,
  USER,
  useMfaSessionFixtures,
} from "./mfa-session-fixtures.js";

/*
 * When a login asks for an MFA code and when it reuses the cached MFA session
 * (GetSessionToken): across logins and roles, past the Admin's MFA age, with
 * other keys, with a code given up front, and from a base that is a role session.
 */

useMfaSessionFixtures();

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

  it("past the Admin's MFA age (aws:MultiFactorAuthAge) a new code is asked; other roles still reuse it", async () => {
    state.config = { ...state.config, mfaSessionSeconds: 12 * 3600 };
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
});
