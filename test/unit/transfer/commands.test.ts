import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../../src/cli/args.js";
import { registerDownload, renderDownload } from "../../../src/cli/commands/download.js";
import { registerUpload, renderUpload } from "../../../src/cli/commands/upload.js";
import type { CommandContext, Invocation } from "../../../src/cli/context.js";

/** argv → options for upload/download, with a context that records instead of running. */
async function parse(argv: string[]): Promise<{ command: string; options: unknown }> {
  let recorded: { command: string; options: unknown } | undefined;
  const ctx: CommandContext = {
    async run<O, R>(_cmd: Command, inv: Invocation<O, R>) {
      recorded = { command: inv.command, options: inv.options };
    },
  };
  const program = buildProgram(ctx, [registerUpload, registerDownload], {
    writeOut: () => {},
    writeErr: () => {},
  });
  await program.parseAsync(argv, { from: "user" });
  if (!recorded) throw new Error("no command ran");
  return recorded;
}

describe("upload/download argv → options", () => {
  it.each<[string, string[], unknown]>([
    [
      "upload one file",
      ["upload", "a.bin"],
      {
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
      },
    ],
    [
      "upload with every flag",
      [
        "upload",
        "a.bin",
        "--key",
        "x/y.bin",
        "--part-size",
        "64MiB",
        "--concurrency",
        "4",
        "--resume",
        "--role",
        "admin",
      ],
      {
        paths: ["a.bin"],
        key: "x/y.bin",
        prefix: undefined,
        partSize: 64 * 1024 * 1024,
        concurrency: 4,
        files: undefined,
        resume: true,
        role: "admin",
        select: [],
        dryRun: false,
      },
    ],
    [
      "upload folders under a prefix",
      ["upload", "dir1", "dir2", "--prefix", "backup/"],
      {
        paths: ["dir1", "dir2"],
        key: undefined,
        prefix: "backup/",
        partSize: undefined,
        concurrency: undefined,
        files: undefined,
        resume: false,
        role: undefined,
        select: [],
        dryRun: false,
      },
    ],
    [
      "upload to an s3:// prefix, --exclude/--include kept in order, --dry-run",
      [
        "upload",
        "photos",
        "s3://sb-data/2026/",
        "--exclude",
        "*",
        "--include",
        "*/",
        "--exclude",
        "*.tmp",
        "--dry-run",
      ],
      {
        paths: ["photos"],
        key: undefined,
        prefix: "s3://sb-data/2026/",
        partSize: undefined,
        concurrency: undefined,
        resume: false,
        role: undefined,
        select: [
          { kind: "exclude", pattern: "*" },
          { kind: "include", pattern: "*/" },
          { kind: "exclude", pattern: "*.tmp" },
        ],
        dryRun: true,
      },
    ],
    [
      "upload one file to an s3:// key",
      ["upload", "a.bin", "s3://sb-data/x/y.bin"],
      {
        paths: ["a.bin"],
        key: "s3://sb-data/x/y.bin",
        prefix: undefined,
        partSize: undefined,
        concurrency: undefined,
        resume: false,
        role: undefined,
        select: [],
        dryRun: false,
      },
    ],
  ])("%s", async (_label, argv, options) => {
    expect(await parse(argv)).toEqual({ command: "upload", options });
  });

  it.each<[string, string[], unknown]>([
    [
      "download to the current folder",
      ["download", "k.txt"],
      {
        key: "k.txt",
        out: undefined,
        versionId: undefined,
        concurrency: undefined,
        files: undefined,
        role: undefined,
        select: [],
        dryRun: false,
      },
    ],
    [
      "download a version into a folder",
      [
        "download",
        "k.txt",
        "--out",
        "dl/",
        "--version-id",
        "v1",
        "--concurrency",
        "2",
        "--role",
        "viewer",
      ],
      {
        key: "k.txt",
        out: "dl/",
        versionId: "v1",
        concurrency: 2,
        role: "viewer",
        select: [],
        dryRun: false,
      },
    ],
    [
      "download a prefix, failing any object S3 holds no comparable checksum for",
      ["download", "photos/", "--require-checksum"],
      {
        key: "photos/",
        out: undefined,
        versionId: undefined,
        concurrency: undefined,
        files: undefined,
        role: undefined,
        select: [],
        dryRun: false,
        requireChecksum: true,
      },
    ],
    [
      "download a prefix, some names left out, as a dry run",
      [
        "download",
        "photos/",
        "--exclude",
        "*.raw",
        "--include",
        "keep.raw",
        "--files",
        "4",
        "--dry-run",
      ],
      {
        key: "photos/",
        out: undefined,
        versionId: undefined,
        concurrency: undefined,
        files: 4,
        role: undefined,
        select: [
          { kind: "exclude", pattern: "*.raw" },
          { kind: "include", pattern: "keep.raw" },
        ],
        dryRun: true,
      },
    ],
  ])("%s", async (_label, argv, options) => {
    expect(await parse(argv)).toEqual({ command: "download", options });
  });

  it.each([
    [["upload", "a", "--key", "k", "--prefix", "p/"], /--key or --prefix/],
    [["upload", "a", "--part-size", "lots"], /Cannot read "lots"/],
    [["upload", "a", "--concurrency", "0"], /positive whole number/],
    [["download", "k", "--concurrency", "-3"], /positive whole number|unknown option/],
  ])("refuses %j", async (argv, message) => {
    await expect(parse(argv as string[])).rejects.toThrow(message);
  });

  it("renders one line per file", () => {
    const line = renderUpload({
      files: [{ key: "k", versionId: "v", size: 2048, checksum: "abc=", seconds: 2 }],
      planned: [],
      unchanged: [],
      excluded: 0,
      dryRun: false,
    });
    expect(line).toBe("uploaded k (2.0 KiB in 2.0 s, 1.0 KiB/s) version v sha256 abc=");
    expect(
      renderDownload({
        files: [
          {
            key: "k",
            versionId: null,
            path: "/t/k",
            size: 1,
            checksum: null,
            verified: "sha256",
            resumed: true,
            seconds: 0.5,
          },
        ],
        planned: [],
        unchanged: [],
        dryRun: false,
      }),
    ).toBe("downloaded k → /t/k (1 B in 0.5 s, resumed; verified: sha256)");
  });
});
