import { describe, expect, it, vi } from "vitest";
import { COMMANDS } from "../../../src/cli/command-table.js";
import { main } from "../../../src/cli/main.js";
import { fakeIO } from "./cli-fixtures.js";

/**
 * `--help`, `--version`, completion and usage errors must not load the AWS SDK
 * (it costs most of a second of startup): every SDK package src/ imports is
 * replaced here by one that fails on import, so a command file that imports
 * one at its top (instead of inside the function that runs the command) makes
 * these tests fail.
 */
vi.mock("@aws-sdk/client-cloudwatch", () => {
  throw new Error("@aws-sdk/client-cloudwatch loaded at startup");
});
vi.mock("@aws-sdk/client-cloudwatch-logs", () => {
  throw new Error("@aws-sdk/client-cloudwatch-logs loaded at startup");
});
vi.mock("@aws-sdk/client-iam", () => {
  throw new Error("@aws-sdk/client-iam loaded at startup");
});
vi.mock("@aws-sdk/client-kms", () => {
  throw new Error("@aws-sdk/client-kms loaded at startup");
});
vi.mock("@aws-sdk/client-s3", () => {
  throw new Error("@aws-sdk/client-s3 loaded at startup");
});
vi.mock("@aws-sdk/client-sts", () => {
  throw new Error("@aws-sdk/client-sts loaded at startup");
});
vi.mock("@aws-sdk/core/protocols", () => {
  throw new Error("@aws-sdk/core/protocols loaded at startup");
});
vi.mock("@aws-sdk/credential-providers", () => {
  throw new Error("@aws-sdk/credential-providers loaded at startup");
});
vi.mock("@aws-sdk/xml-builder", () => {
  throw new Error("@aws-sdk/xml-builder loaded at startup");
});
vi.mock("@smithy/core/config", () => {
  throw new Error("@smithy/core/config loaded at startup");
});

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

  it.each(COMMANDS.flatMap((c) => [c.name, ...(c.also ?? [])]))("%s --help", async (name) => {
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
