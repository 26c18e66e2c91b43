import { describe, expect, it } from "vitest";
import type { GlobalOptions } from "../../../src/cli/context.js";
import { sessionsDirFor } from "../../../src/core/config.js";
import { StrongboxError } from "../../../src/core/errors.js";
import { recordArgv } from "./argv-recorder.js";
import { COMMAND_NAMES } from "./cli-fixtures.js";

/**
 * The argv table: every command, its options, and what argv becomes — the
 * typed options object its command function gets, or the usage error (exit 2)
 * `main` reports. Behaviour lives in the tests that call command functions
 * or run `main`; this is the one place that pins down parsing.
 */

const upload = {
  paths: ["a.bin"],
  key: undefined,
  prefix: undefined,
  partSize: undefined,
  concurrency: undefined,
  files: undefined,
  resume: false,
  role: undefined,
  select: [],
  dryRun: false,
};
const download = {
  key: "k.txt",
  out: undefined,
  versionId: undefined,
  concurrency: undefined,
  files: undefined,
  role: undefined,
  select: [],
  dryRun: false,
};
const audit = {
  query: "activity",
  since: "24h",
  key: undefined,
  principal: undefined,
  limit: undefined,
  timeoutSeconds: 120,
};
const rm = { key: "k", versionId: undefined, role: undefined, yes: false, dryRun: false };

/** [argv, command, the options it parses to] */
const PARSED: [string[], string, unknown][] = [
  [
    ["configure", "--from-terraform", "infra/envs/local"],
    "configure",
    { fromTerraform: "infra/envs/local" },
  ],
  [
    ["login", "--role", "viewer"],
    "login",
    { role: "viewer", mfa: undefined, durationSeconds: undefined },
  ],
  [
    ["login", "--role", "admin", "--mfa-code", "-", "--duration", "1h30m"],
    "login",
    { role: "admin", mfa: { from: "stdin" }, durationSeconds: 5400 },
  ],
  [["logout"], "logout", { role: undefined }],
  [["logout", "--role", "uploader"], "logout", { role: "uploader" }],
  [["whoami"], "whoami", { role: undefined }],
  [["whoami", "--role", "viewer"], "whoami", { role: "viewer" }],
  [["upload", "a.bin"], "upload", upload],
  [
    ["upload", "a.bin", "--key", "x/y.bin", "--part-size", "64MiB", "--concurrency", "4"],
    "upload",
    { ...upload, key: "x/y.bin", partSize: 64 * 1024 * 1024, concurrency: 4 },
  ],
  [
    ["upload", "a.bin", "--resume", "--role", "admin", "--files", "3"],
    "upload",
    { ...upload, resume: true, role: "admin", files: 3 },
  ],
  [
    ["upload", "dir1", "dir2", "--prefix", "backup/"],
    "upload",
    { ...upload, paths: ["dir1", "dir2"], prefix: "backup/" },
  ],
  [
    ["upload", "photos", "s3://sb-data/2026/", "--exclude", "*", "--include", "*/"],
    "upload",
    {
      ...upload,
      paths: ["photos"],
      prefix: "s3://sb-data/2026/",
      select: [
        { kind: "exclude", pattern: "*" },
        { kind: "include", pattern: "*/" },
      ],
    },
  ],
  [
    ["upload", "a.bin", "s3://sb-data/x/y.bin", "--dry-run"],
    "upload",
    { ...upload, key: "s3://sb-data/x/y.bin", dryRun: true },
  ],
  [["download", "k.txt"], "download", download],
  [
    ["download", "k.txt", "--out", "dl/", "--version-id", "v1", "--concurrency", "2"],
    "download",
    { ...download, out: "dl/", versionId: "v1", concurrency: 2 },
  ],
  [
    ["download", "photos/", "--require-checksum", "--role", "viewer"],
    "download",
    { ...download, key: "photos/", role: "viewer", requireChecksum: true },
  ],
  [
    ["download", "photos/", "--exclude", "*.raw", "--include", "keep.raw", "--files", "4"],
    "download",
    {
      ...download,
      key: "photos/",
      files: 4,
      select: [
        { kind: "exclude", pattern: "*.raw" },
        { kind: "include", pattern: "keep.raw" },
      ],
    },
  ],
  [
    ["download", "k.txt", "--out", "-", "--dry-run"],
    "download",
    { ...download, out: "-", dryRun: true },
  ],
  [["ls"], "ls", { prefix: "", limit: undefined, pageSize: undefined, role: undefined }],
  [
    ["ls", "docs/", "--limit", "10", "--page-size", "2", "--role", "admin"],
    "ls",
    { prefix: "docs/", limit: 10, pageSize: 2, role: "admin" },
  ],
  [["versions", "a/b.txt"], "versions", { key: "a/b.txt", role: undefined }],
  [
    ["restore", "k", "--version-id", "v1"],
    "restore",
    { key: "k", versionId: "v1", role: undefined, dryRun: false },
  ],
  [
    ["restore", "k", "--version-id", "v1", "--dry-run", "--role", "admin"],
    "restore",
    { key: "k", versionId: "v1", role: "admin", dryRun: true },
  ],
  [["rm", "k"], "rm", rm],
  [
    ["rm", "s3://sb-data/k", "-y", "--dry-run"],
    "rm",
    { ...rm, key: "s3://sb-data/k", yes: true, dryRun: true },
  ],
  [
    ["rm", "k", "--version-id", "v9", "--role", "admin"],
    "rm",
    { ...rm, versionId: "v9", role: "admin" },
  ],
  [
    ["presign", "get", "k"],
    "presign",
    { method: "get", key: "k", expiresInSeconds: 900, role: undefined },
  ],
  [
    ["presign", "put", "k", "--expires", "2h", "--role", "uploader"],
    "presign",
    { method: "put", key: "k", expiresInSeconds: 7200, role: "uploader" },
  ],
  [["audit"], "audit", audit],
  [
    ["audit", "failed-uploads", "--since", "7d", "--principal", "alice@example.com"],
    "audit",
    { ...audit, query: "failed-uploads", since: "7d", principal: "alice@example.com" },
  ],
  [
    ["audit", "activity", "--key", 'odd "name".txt', "--limit", "50", "--timeout", "30"],
    "audit",
    { ...audit, key: 'odd "name".txt', limit: 50, timeoutSeconds: 30 },
  ],
  [
    ["audit", "top-callers", "--since", "2026-11-01T00:00:00Z"],
    "audit",
    { ...audit, query: "top-callers", since: "2026-11-01T00:00:00Z" },
  ],
  [["alarms"], "alarms", {}],
  [["access"], "access", { engine: "auto" }],
  [["access", "--engine", "local"], "access", { engine: "local" }],
  [["ui"], "ui", { port: undefined, idleSeconds: 1800, urlSeconds: 900 }],
  [
    ["ui", "--port", "8377", "--idle", "2h", "--url-expires", "5m"],
    "ui",
    { port: 8377, idleSeconds: 7200, urlSeconds: 300 },
  ],
  [["selftest"], "selftest", { burst: 10, alarmTimeoutSeconds: 1200 }],
  [
    ["selftest", "--burst", "25", "--alarm-timeout", "30m"],
    "selftest",
    { burst: 25, alarmTimeoutSeconds: 1800 },
  ],
  [
    ["exec", "--role", "viewer", "--", "aws", "s3", "ls", "--recursive"],
    "exec",
    { command: ["aws", "s3", "ls", "--recursive"], role: "viewer" },
  ],
  [["exec", "--", "env"], "exec", { command: ["env"], role: undefined }],
  [["env"], "env", { role: undefined }],
  [["env", "--role", "admin"], "env", { role: "admin" }],
  [["completion", "bash"], "completion", { shell: "bash" }],
  [["completion", "fish"], "completion", { shell: "fish" }],
];

/** [argv, what the usage error says] — each exits 2 through `main`. */
const REFUSED: [string[], RegExp][] = [
  [["frobnicate"], /unknown command 'frobnicate'/],
  [["ls", "--bogus"], /unknown option '--bogus'/],
  [["configure"], /required option '--from-terraform <dir>' not specified/],
  [["login"], /required option '--role <role>' not specified/],
  [["login", "--role", "root"], /argument 'root' is invalid/],
  [["login", "--role", "admin", "--mfa-code", "12ab"], /--mfa-code must be the 6 digits/],
  [["login", "--role", "viewer", "--duration", "soon"], /--duration "soon" is not a duration/],
  [["logout", "--role", "root"], /argument 'root' is invalid/],
  [["whoami", "--role", "root"], /argument 'root' is invalid/],
  [["upload"], /missing required argument 'path'/],
  [["upload", "a", "--key", "k", "--prefix", "p/"], /use --key or --prefix, not both/],
  [["upload", "a", "s3://sb-data/k", "--key", "x"], /give the destination once/],
  [["upload", "s3://sb-data/k"], /nothing to upload: give a PATH before the s3:\/\/ destination/],
  [["upload", "a", "--part-size", "lots"], /Cannot read "lots"/],
  [["upload", "a", "--concurrency", "0"], /--concurrency must be a positive whole number/],
  [["download"], /missing required argument 'key'/],
  [["download", "k", "--files", "x"], /--files must be a positive whole number/],
  [["ls", "--limit", "0"], /--limit must be a positive whole number/],
  [["ls", "--page-size", "1001"], /--page-size may be at most 1000/],
  [["versions"], /missing required argument 'key'/],
  [["versions", ""], /KEY must not be empty/],
  [["restore", "k"], /required option '--version-id <id>' not specified/],
  [["rm", ""], /KEY must not be empty/],
  [["presign", "delete", "k"], /command-argument value 'delete' is invalid/],
  [["presign", "get", "k", "--expires", "8d"], /--expires may be at most 7d/],
  [["audit", "everything"], /command-argument value 'everything' is invalid/],
  [["audit", "--since", "yesterday"], /--since "yesterday" is not a duration/],
  [["audit", "--principal", "a b"], /--principal/],
  [["audit", "--key", ""], /--key must not be empty/],
  [["audit", "--timeout", "0"], /--timeout must be a positive whole number/],
  [["alarms", "extra"], /too many arguments/],
  [["access", "--engine", "magic"], /argument 'magic' is invalid/],
  [["ui", "--port", "0"], /--port must be a positive whole number/],
  [["ui", "--idle", "never"], /--idle "never" is not a duration/],
  [["selftest", "--burst", "-1"], /--burst/],
  [["selftest", "--alarm-timeout", "0"], /--alarm-timeout "0" must be longer than zero/],
  [["exec"], /missing required argument 'command'/],
  [["env", "--role", "root"], /argument 'root' is invalid/],
  [["completion", "tcsh"], /command-argument value 'tcsh' is invalid/],
];

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
  it.each(PARSED)("%j", async (argv, command, options) => {
    const recorded = await recordArgv(argv);
    expect(recorded.command).toBe(command);
    expect(recorded.options).toEqual(options);
    expect(recorded.globals).toEqual(defaults);
  });

  it.each(REFUSED)("%j is a usage error (exit 2)", async (argv, message) => {
    const error = await recordArgv(argv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error).toMatchObject({ kind: "usage", exitCode: 2 });
    expect((error as StrongboxError).message).toMatch(message);
  });

  it("every command has rows of both kinds", () => {
    expect(new Set(PARSED.map(([, command]) => command))).toEqual(new Set(COMMAND_NAMES));
    expect(new Set(REFUSED.map(([argv]) => argv[0]).filter((w) => w !== "frobnicate"))).toEqual(
      new Set(COMMAND_NAMES),
    );
  });
});

describe("global flags", () => {
  it("are accepted before and after the command", async () => {
    const flags = ["--json", "--config", "/x/c.json", "--profile", "p", "--debug", "-q"];
    const expected = {
      ...defaults,
      json: true,
      configPath: "/x/c.json",
      sessionsDir: sessionsDirFor("/x/c.json", {}, "/home/u"),
      profile: "p",
      debug: true,
      quiet: true,
      progress: false,
      legacyTransfersDir: "/x/transfers",
    };
    expect((await recordArgv([...flags, "whoami"])).globals).toEqual(expected);
    expect((await recordArgv(["whoami", ...flags])).globals).toEqual(expected);
  });

  it("--no-progress keeps notes; STRONGBOX_DEBUG=1 is --debug", async () => {
    expect((await recordArgv(["ls", "--no-progress"])).globals).toMatchObject({
      progress: false,
      quiet: false,
    });
    expect((await recordArgv(["ls"], { STRONGBOX_DEBUG: "1" })).globals.debug).toBe(true);
  });

  it("STRONGBOX_CONFIG and AWS_PROFILE supply defaults; flags win", async () => {
    const env = { STRONGBOX_CONFIG: "/etc/sb.json", AWS_PROFILE: "envp" };
    expect((await recordArgv(["ls"], env)).globals).toMatchObject({
      configPath: "/etc/sb.json",
      profile: "envp",
    });
    expect(
      (await recordArgv(["ls", "--config", "/o.json", "--profile", "f"], env)).globals,
    ).toMatchObject({ configPath: "/o.json", profile: "f" });
  });
});
