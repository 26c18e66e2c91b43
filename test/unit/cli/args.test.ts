import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram, parseDurationSeconds, resolveGlobals } from "../../../src/cli/args.js";
import type { CommandContext, GlobalOptions, Invocation } from "../../../src/cli/context.js";
import { sessionsDirFor } from "../../../src/core/config.js";
import { StrongboxError } from "../../../src/core/errors.js";

interface Recorded {
  command: string;
  globals: GlobalOptions;
  options: unknown;
}

/** Parses argv with a context that records instead of running. */
async function parse(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Recorded> {
  let recorded: Recorded | undefined;
  const ctx: CommandContext = {
    async run<O, R>(cmd: Command, inv: Invocation<O, R>) {
      recorded = {
        command: inv.command,
        globals: resolveGlobals(cmd, env, "/home/u"),
        options: inv.options,
      };
    },
  };
  const program = buildProgram(ctx, [], { writeOut: () => {}, writeErr: () => {} });
  await program.parseAsync(argv, { from: "user" });
  if (recorded === undefined) throw new Error("no command ran");
  return recorded;
}

const defaults: GlobalOptions = {
  json: false,
  configPath: "/home/u/.config/strongbox/config.json",
  sessionsDir: sessionsDirFor("/home/u/.config/strongbox/config.json", {}, "/home/u"),
  profile: undefined,
  debug: false,
  quiet: false,
  progress: true,
  transfersDir: "/home/u/.local/state/strongbox/transfers",
  legacyTransfersDir: "/home/u/.config/strongbox/transfers",
};

describe("argv → options", () => {
  const table: [string, string[], string, unknown][] = [
    [
      "configure",
      ["configure", "--from-terraform", "infra/envs/local"],
      "configure",
      { fromTerraform: "infra/envs/local" },
    ],
    [
      "login minimal",
      ["login", "--role", "viewer"],
      "login",
      { role: "viewer", mfa: undefined, durationSeconds: undefined },
    ],
    [
      "login with mfa and duration",
      ["login", "--role", "admin", "--mfa-code", "-", "--duration", "1h30m"],
      "login",
      { role: "admin", mfa: { from: "stdin" }, durationSeconds: 5400 },
    ],
    ["logout all", ["logout"], "logout", { role: undefined }],
    ["logout one", ["logout", "--role", "uploader"], "logout", { role: "uploader" }],
    ["whoami", ["whoami"], "whoami", { role: undefined }],
    [
      "ls no prefix",
      ["ls"],
      "ls",
      { prefix: "", limit: undefined, pageSize: undefined, role: undefined },
    ],
    [
      "ls prefix limit role",
      ["ls", "docs/", "--limit", "10", "--page-size", "2", "--role", "admin"],
      "ls",
      { prefix: "docs/", limit: 10, pageSize: 2, role: "admin" },
    ],
    ["versions", ["versions", "a/b.txt"], "versions", { key: "a/b.txt", role: undefined }],
    [
      "restore",
      ["restore", "k", "--version-id", "v1"],
      "restore",
      { key: "k", versionId: "v1", role: undefined, dryRun: false },
    ],
    [
      "rm marker",
      ["rm", "k"],
      "rm",
      { key: "k", versionId: undefined, role: undefined, yes: false, dryRun: false },
    ],
    [
      "rm --yes --dry-run",
      ["rm", "s3://sb-data/k", "-y", "--dry-run"],
      "rm",
      { key: "s3://sb-data/k", versionId: undefined, role: undefined, yes: true, dryRun: true },
    ],
    [
      "rm version",
      ["rm", "k", "--version-id", "v9", "--role", "admin"],
      "rm",
      { key: "k", versionId: "v9", role: "admin", yes: false, dryRun: false },
    ],
    [
      "presign default expiry",
      ["presign", "get", "k"],
      "presign",
      { method: "get", key: "k", expiresInSeconds: 900, role: undefined },
    ],
    [
      "presign put 2h",
      ["presign", "put", "k", "--expires", "2h"],
      "presign",
      { method: "put", key: "k", expiresInSeconds: 7200, role: undefined },
    ],
  ];
  it.each(table)("%s", async (_name, argv, command, options) => {
    const r = await parse(argv);
    expect(r.command).toBe(command);
    expect(r.options).toEqual(options);
    expect(r.globals).toEqual(defaults);
  });

  it("global flags are accepted before and after the command", async () => {
    const before = await parse([
      "--json",
      "--config",
      "/x/c.json",
      "--profile",
      "p",
      "--debug",
      "whoami",
    ]);
    const after = await parse([
      "whoami",
      "--json",
      "--config",
      "/x/c.json",
      "--profile",
      "p",
      "--debug",
    ]);
    const expected = {
      ...defaults,
      json: true,
      configPath: "/x/c.json",
      sessionsDir: sessionsDirFor("/x/c.json", {}, "/home/u"),
      profile: "p",
      debug: true,
      legacyTransfersDir: "/x/transfers",
    };
    expect(before.globals).toEqual(expected);
    expect(after.globals).toEqual(expected);
  });

  it("STRONGBOX_CONFIG and AWS_PROFILE supply defaults; flags win", async () => {
    const env = { STRONGBOX_CONFIG: "/etc/sb.json", AWS_PROFILE: "envp" };
    expect((await parse(["ls"], env)).globals).toMatchObject({
      configPath: "/etc/sb.json",
      profile: "envp",
    });
    expect(
      (await parse(["ls", "--config", "/o.json", "--profile", "f"], env)).globals,
    ).toMatchObject({
      configPath: "/o.json",
      profile: "f",
    });
  });
});

describe("usage errors", () => {
  const bad: [string, string[]][] = [
    ["unknown option", ["ls", "--bogus"]],
    ["unknown command", ["frobnicate"]],
    ["login without role", ["login"]],
    ["login bad role", ["login", "--role", "root"]],
    ["restore without version", ["restore", "k"]],
    ["presign bad method", ["presign", "delete", "k"]],
    ["versions without key", ["versions"]],
  ];
  it.each(bad)("%s is a commander usage error", async (_n, argv) => {
    await expect(parse(argv)).rejects.toMatchObject({
      code: expect.stringMatching(/^commander\./),
    });
  });

  const invalid: [string, string[]][] = [
    ["mfa code not 6 digits", ["login", "--role", "admin", "--mfa-code", "12ab"]],
    ["bad duration", ["login", "--role", "viewer", "--duration", "soon"]],
    ["expires over 7 days", ["presign", "get", "k", "--expires", "8d"]],
    ["limit zero", ["ls", "--limit", "0"]],
    ["page size over S3's maximum", ["ls", "--page-size", "1001"]],
    ["empty key", ["rm", ""]],
  ];
  it.each(invalid)("%s → StrongboxError usage", async (_n, argv) => {
    const err = await parse(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StrongboxError);
    expect((err as StrongboxError).kind).toBe("usage");
    expect((err as StrongboxError).exitCode).toBe(2);
  });
});

describe("parseDurationSeconds", () => {
  it.each([
    ["900", 900],
    ["15m", 900],
    ["1h", 3600],
    ["1h30m", 5400],
    ["7d", 604800],
    ["90s", 90],
  ])("%s → %i", (text, seconds) => expect(parseDurationSeconds(text)).toBe(seconds));
  it.each(["", "0", "1x", "h", "-5m", "1.5h"])("%j is refused", (text) => {
    expect(() => parseDurationSeconds(text)).toThrow(StrongboxError);
  });
});
