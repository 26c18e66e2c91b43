import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keyFingerprint, MfaSessionCache } from "../../../../src/core/session/mfa-cache.js";
import {
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
 * The MFA session cache on disk: its file and folder modes, what it holds (no
 * secret of the base keys) and what decisions say, and MfaSessionCache itself
 * (refusing a readable file, deleteAll, file names).
 */

useMfaSessionFixtures();

describe("MFA session (GetSessionToken) cached across logins", () => {
  it("the cache file is 0600 in a 0700 folder; no decision ever shows a secret or the code", async () => {
    fakeSts();
    const run = login("admin", { codes: ["864209"] });
    await run.result;
    expect((await stat(mfaFile())).mode & 0o777).toBe(0o600);
    expect((await stat(join(state.dir, "sessions"))).mode & 0o777).toBe(0o700);
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
});

describe("MfaSessionCache", () => {
  it("refuses a cache file others may read, with the chmod that fixes it", async () => {
    fakeSts();
    await login("admin").result;
    await chmod(mfaFile(), 0o644);
    const cache = new MfaSessionCache(join(state.dir, "sessions"), () => clock.value);
    await expect(cache.lookup("alice", keyFingerprint(BASE.accessKeyId))).rejects.toThrow(
      /others may read or change it/,
    );
  });

  it("deleteAll removes every profile's MFA session and leaves role sessions alone", async () => {
    fakeSts();
    await login("admin").result;
    await login("viewer", { profile: "alice-mfa" }).result;
    await writeFile(join(state.dir, "sessions", "viewer.json"), "{}", { mode: 0o600 });
    const cache = new MfaSessionCache(join(state.dir, "sessions"), () => clock.value);
    expect((await cache.deleteAll()).sort()).toEqual(["alice", "alice-mfa"]);
    expect(await cache.deleteAll()).toEqual([]);
    expect((await stat(join(state.dir, "sessions", "viewer.json"))).isFile()).toBe(true);
  });

  it("a profile name that is not a plain file name is stored under its hash", () => {
    const cache = new MfaSessionCache("/state/sessions");
    expect(cache.pathOf("work")).toBe("/state/sessions/mfa-work.json");
    expect(cache.pathOf("../../etc/x")).toMatch(/^\/state\/sessions\/mfa-[0-9a-f]{16}\.json$/);
  });
});
