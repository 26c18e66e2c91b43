import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { COMMAND_NAMES, fakeIO } from "./cli-fixtures.js";

/**
 * `--help`, `--version`, completion and usage errors must not load the AWS SDK
 * (it costs most of a second of startup): every SDK package src/ imports is
 * replaced here by one that fails on import, so a command file that imports
 * one at its top (instead of inside the function that runs the command) makes
 * these tests fail.
 */
const refuse = vi.hoisted(() => (name: string): never => {
  throw new Error(`${name} loaded at startup`);
});
vi.mock("@aws-sdk/client-cloudwatch", () => refuse("@aws-sdk/client-cloudwatch"));
vi.mock("@aws-sdk/client-cloudwatch-logs", () => refuse("@aws-sdk/client-cloudwatch-logs"));
vi.mock("@aws-sdk/client-iam", () => refuse("@aws-sdk/client-iam"));
vi.mock("@aws-sdk/client-kms", () => refuse("@aws-sdk/client-kms"));
vi.mock("@aws-sdk/client-s3", () => refuse("@aws-sdk/client-s3"));
vi.mock("@aws-sdk/client-sts", () => refuse("@aws-sdk/client-sts"));
vi.mock("@aws-sdk/core/protocols", () => refuse("@aws-sdk/core/protocols"));
vi.mock("@aws-sdk/credential-providers", () => refuse("@aws-sdk/credential-providers"));
vi.mock("@aws-sdk/xml-builder", () => refuse("@aws-sdk/xml-builder"));
vi.mock("@smithy/core/config", () => refuse("@smithy/core/config"));

describe("startup loads no AWS SDK", () => {
  it("the guard works: a module that imports the SDK fails to load here", async () => {
    await expect(import("../../../src/core/catalog/list.js")).rejects.toThrow();
  });

  it("--help and --version", async () => {
    const help = fakeIO();
    expect(await main(["--help"], help.io)).toBe(0);
    expect(help.stdout()).toContain("Usage: strongbox");
    expect(await main(["--version"], fakeIO().io)).toBe(0);
  });

  it.each(COMMAND_NAMES)("%s --help", async (name) => {
    const f = fakeIO();
    expect(await main([name, "--help"], f.io), f.stderr()).toBe(0);
    expect(f.stdout()).toContain(`Usage: strongbox ${name}`);
  });

  it.each([["bash"], ["zsh"], ["fish"]])("completion %s", async (shell) => {
    const f = fakeIO();
    expect(await main(["completion", shell], f.io), f.stderr()).toBe(0);
    expect(f.stdout()).toContain("strongbox");
  });

  it.each([
    [["frobnicate"]],
    [["ls", "--bogus"]],
    [["presign", "get", "k", "--expires", "30d"]],
    [["upload", "--part-size", "1KiB", "f"]],
  ])("usage error %j: exit 2", async (argv) => {
    const f = fakeIO();
    expect(await main(argv, f.io), f.stderr()).toBe(2);
  });
});
