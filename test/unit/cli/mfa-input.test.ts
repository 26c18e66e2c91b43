import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import {
  askMfaCode,
  MFA_CODE_ENV,
  offeredMfaCode,
  parseMfaFlag,
} from "../../../src/cli/mfa-input.js";
import { fakeIO, writeTestConfig } from "./cli-fixtures.js";

/*
 * An MFA code is a secret for its 30 seconds: it may come from a prompt,
 * stdin (`--mfa-code -`) or STRONGBOX_MFA_CODE; on argv it still works but
 * warns; it never reaches --debug output, errors or --json.
 */

const CODE = "987654";
const quiet = { warn: () => {}, info: () => {}, note: () => {}, debug: () => {} };
const stdinOf = (text: string) => async () => text;

describe("MFA code input", () => {
  it("--mfa-code - reads the first line of stdin", async () => {
    const input = parseMfaFlag("-");
    expect(input).toEqual({ from: "stdin" });
    expect(await offeredMfaCode(input, { readStdin: stdinOf(`${CODE}\n`), log: quiet })).toBe(CODE);
  });

  it("a code on argv works but warns, and prints as [redacted] in every form", async () => {
    const input = parseMfaFlag(CODE);
    const warnings: string[] = [];
    const log = { ...quiet, warn: (m: string) => void warnings.push(m) };
    expect(JSON.stringify({ mfa: input })).not.toContain(CODE);
    expect(inspect(input, { depth: 5 })).not.toContain(CODE);
    expect(String(input?.from === "argv" ? input.code : "")).toBe("[redacted]");
    expect(await offeredMfaCode(input, { readStdin: stdinOf(""), log })).toBe(CODE);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/visible to other users .*--mfa-code -.*STRONGBOX_MFA_CODE/);
  });

  it("a malformed code is refused without repeating it", async () => {
    expect(() => parseMfaFlag("12345x")).toThrow(/6 digits/);
    expect(() => parseMfaFlag("12345x")).not.toThrow(/12345x/);
    const error = (await offeredMfaCode(
      { from: "stdin" },
      { readStdin: stdinOf("31337\n"), log: quiet },
    ).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/from stdin is not the 6 digits/);
    expect(error.message).not.toContain("31337");
  });

  it("when MFA is needed and none was offered: the environment first, else the prompt", async () => {
    const asked: string[] = [];
    const prompt = async (q: string) => {
      asked.push(q);
      return "111222\n";
    };
    expect(
      await askMfaCode("arn:mfa/d", "role admin needs MFA", {
        env: { [MFA_CODE_ENV]: CODE },
        prompt,
      }),
    ).toBe(CODE);
    expect(asked).toEqual([]);
    expect(await askMfaCode("arn:mfa/d", "role admin needs MFA", { env: {}, prompt })).toBe(
      "111222",
    );
    expect(asked).toEqual(["MFA code for arn:mfa/d: "]);
  });

  it("no terminal and no code: exit 5 naming the safe ways to give one", async () => {
    const error = await askMfaCode("arn:mfa/d", "role admin needs MFA", {
      env: {},
      prompt: undefined,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: "credentials", exitCode: 5 });
    expect((error as { hint: string }).hint).toMatch(/--mfa-code -.*STRONGBOX_MFA_CODE/);
  });

  it("regression: `login --debug --mfa-code N` never prints the code (it logged its options)", async () => {
    const configPath = await writeTestConfig(await mkdtemp(join(tmpdir(), "sb-mfa-")));
    const f = fakeIO({ env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" } });
    const code = await main(
      ["--debug", "--json", "--config", configPath, "login", "--role", "admin", "--mfa-code", CODE],
      f.io,
    );
    expect(code).not.toBe(0); // no STS at the config's endpoint
    expect(f.stderr()).toContain('"mfa":{"from":"argv","code":"[redacted]"}');
    expect(f.stderr()).toContain("warning: an MFA code on the command line");
    expect(f.stderr()).not.toContain(CODE);
    expect(f.stdout()).not.toContain(CODE);
  });

  it("`--mfa-code -` takes the code from stdin end to end, and never echoes it", async () => {
    const configPath = await writeTestConfig(await mkdtemp(join(tmpdir(), "sb-mfa-")));
    const f = fakeIO({ env: { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "x" } });
    const stdin = new PassThrough();
    stdin.end(`${CODE}\n`);
    const io = { ...f.io, stdin: stdin as unknown as NodeJS.ReadStream };
    await main(
      ["--debug", "--config", configPath, "login", "--role", "admin", "--mfa-code", "-"],
      io,
    );
    expect(stdin.readableEnded).toBe(true);
    expect(f.stderr()).not.toContain("warning: an MFA code on the command line");
    expect(f.stderr()).not.toContain(CODE);
  });
});
