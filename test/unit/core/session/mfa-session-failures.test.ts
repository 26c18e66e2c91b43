import { readFile, stat } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { StrongboxError } from "../../../../src/core/errors.js";
import {
  clock,
  fakeSts,
  login,
  mfaFile,
  SERIAL,
  T0,
  useMfaSessionFixtures,
} from "./mfa-session-fixtures.js";

/*
 * When the MFA session cannot be used: expired with no way to ask for a code,
 * refused by STS (dropped, a code asked again), and a wrong code (access denied,
 * nothing cached).
 */

useMfaSessionFixtures();

describe("MFA session (GetSessionToken) cached across logins", () => {
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
