import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { renderAudit } from "../../../src/cli/commands/audit.js";
import { renderLs } from "../../../src/cli/commands/ls.js";
import { renderVersions } from "../../../src/cli/commands/versions.js";
import { createLogger, Runtime } from "../../../src/cli/runtime.js";
import type { AuditResult } from "../../../src/core/audit/audit.js";
import { StrongboxError } from "../../../src/core/errors.js";
import { displayKey, printable, quoteKey, terminalJson } from "../../../src/core/text/printable.js";
import { fakeIO } from "./cli-fixtures.js";

/**
 * Keys are chosen by whoever may upload. Each of these would forge or disguise
 * a line of human output if printed raw: a newline starts a fake row, CR
 * overwrites the line, ESC sequences drive the terminal, RLO reverses text.
 */
const HOSTILE: Record<string, string> = {
  newline: "report.pdf\n2.0 KiB  2026-11-28T00:00:00Z  payroll.xlsx",
  "carriage return": "innocent.txt\rmalware.exe",
  "ESC sequence": "a\u001b[2J\u001b[31mred\u001b]0;title\u0007",
  "C1 CSI": "a\u009b31mred",
  DEL: "a\u007fb",
  "right-to-left override": "invoice\u202efdp.exe",
  "bidi isolate": "x\u2066y\u2069z",
  "LRM / RLM": "a\u200eb\u200fc",
  "line separator": "a\u2028b\u2029c",
  "zero-width space": "pay\u200bpal",
  "tag characters": "a\u{e0041}\u{e0042}b",
};
/** Anything a terminal would act on or hide. */
const RAW =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\u{e0000}-\u{e007f}]/u;

const T = new Date("2026-11-28T00:00:00Z");

describe("printable (one escaping function for every renderer)", () => {
  it.each(Object.entries(HOSTILE))("%s: escaped, one line, nothing raw", (_name, key) => {
    for (const shown of [printable(key), displayKey(key), quoteKey(key)]) {
      expect(shown).not.toMatch(RAW);
      expect(shown).not.toContain("\n");
    }
  });

  it("escapes are visible and name the character", () => {
    expect(printable("a\nb\rc\u001b[0m\u202e")).toBe("a\\u{a}b\\u{d}c\\u{1b}[0m\\u{202e}");
    expect(printable("a\nb", { keepNewlines: true })).toBe("a\nb");
  });

  it("plain keys are shown as they are; a key that needs escaping is quoted", () => {
    expect(displayKey("reports/2026/q1 (final).pdf")).toBe("reports/2026/q1 (final).pdf");
    expect(displayKey("Überweisung/日本語.txt")).toBe("Überweisung/日本語.txt");
    expect(displayKey("a\nb")).toBe('"a\\u{a}b"');
  });

  it("a quoted rendering cannot be mistaken for a plain key that looks like it", () => {
    const lookalike = '"a\\u{a}b"'; // a key that is literally the escaped form
    expect(displayKey(lookalike)).not.toBe(displayKey("a\nb"));
  });

  it("--json stays exact JSON: parsing gives the very key back, and nothing raw is printed", () => {
    const value = { objects: Object.values(HOSTILE).map((key) => ({ key })) };
    const text = terminalJson(value);
    expect(JSON.parse(text)).toEqual(value);
    for (const line of text.split("\n")) expect(line).not.toMatch(RAW);
    // Same layout as JSON.stringify for ordinary values.
    const plain = { key: "a/b.txt", size: 3 };
    expect(terminalJson(plain)).toBe(JSON.stringify(plain, null, 2));
  });
});

const keys = Object.values(HOSTILE);

describe("renderers: a hostile key can't forge a line", () => {
  it("ls: one line per object plus the summary", () => {
    const text = renderLs({
      bucket: "b",
      prefix: "",
      role: "viewer",
      objects: keys.map((key) => ({
        key,
        size: 2048,
        lastModified: T,
        etag: undefined,
        storageClass: undefined,
      })),
      count: keys.length,
      totalBytes: 2048 * keys.length,
      truncated: false,
    });
    const lines = text.split("\n");
    expect(lines).toHaveLength(keys.length + 1);
    expect(text).not.toMatch(RAW);
    expect(lines[0]).toContain('"report.pdf\\u{a}2.0 KiB');
    expect(renderLs({ ...emptyLs, prefix: "x\ny" })).toBe('no objects under "x\\u{a}y"');
  });

  it("versions: every cell is escaped, one line per version", () => {
    const text = renderVersions({
      key: HOSTILE.newline ?? "",
      versions: [
        {
          key: HOSTILE.newline ?? "",
          versionId: "v1\n\u001b[2K",
          isLatest: true,
          deleteMarker: false,
          size: 1,
          lastModified: T,
          etag: undefined,
        },
      ],
    });
    expect(text.split("\n")).toHaveLength(2);
    expect(text).not.toMatch(RAW);
  });

  it("audit: keys in records and the --key filter", () => {
    const result: AuditResult = {
      query: "activity",
      definitionName: "sb/activity",
      since: "2026-11-27T00:00:00.000Z",
      until: "2026-11-28T00:00:00.000Z",
      filters: { key: HOSTILE["carriage return"] ?? "" },
      columns: ["key", "event"],
      records: keys.map((key) => ({ key, event: "GetObject" })),
      statistics: {},
      elapsedMs: 1,
    } as unknown as AuditResult;
    const text = renderAudit(result);
    expect(text.split("\n")).toHaveLength(1 + 1 + keys.length + 1);
    expect(text).not.toMatch(RAW);
  });
});

describe("runtime: errors, logs and rendered text reach the terminal escaped", () => {
  const run = async (
    argv: string[],
    execute: () => Promise<unknown>,
    render: (r: unknown) => string = String,
  ) => {
    const f = fakeIO();
    const runtime = new Runtime(f.io);
    const cmd = new Command().option("--json").option("--debug");
    cmd.parse(argv, { from: "user" });
    await runtime.run(cmd, { command: "t", options: {}, execute, render });
    return { ...f, code: runtime.exitCode };
  };
  const key = HOSTILE.newline ?? "";

  it("an error message quoting a key raw: one line on stderr, escaped", async () => {
    const r = await run([], async () => {
      throw new StrongboxError("not-found", `not found: ${key}`, { hint: `check ${key}` });
    });
    expect(r.code).toBe(4);
    expect(r.stderr().split("\n").filter(Boolean)).toHaveLength(2);
    expect(r.stderr()).toContain("not found: report.pdf\\u{a}2.0 KiB");
    expect(r.stderr()).not.toMatch(RAW);
  });

  it("--json: the error's message is the exact text, as JSON", async () => {
    const message = `not found: ${key} ${HOSTILE["right-to-left override"]}`;
    const r = await run(["--json"], async () => {
      throw new StrongboxError("not-found", message);
    });
    expect(JSON.parse(r.stdout()).error.message).toBe(message);
    expect(r.stdout()).not.toMatch(RAW);
  });

  it("--json result: exact keys back from JSON.parse", async () => {
    const result = { objects: keys.map((k) => ({ key: k })) };
    const r = await run(["--json"], async () => result);
    expect(JSON.parse(r.stdout())).toEqual(result);
    expect(r.stdout()).not.toMatch(RAW);
  });

  it("log lines (notes, warnings, --debug) are escaped too", () => {
    const f = fakeIO();
    const log = createLogger(f.io.stderr, true);
    log.info(`Resuming "${key}"`);
    log.warn(`no checksum for ${key}`);
    log.debug(`GET ${key}`);
    expect(f.stderr().split("\n").filter(Boolean)).toHaveLength(3);
    expect(f.stderr()).not.toMatch(RAW);
  });

  it("a renderer that forgot to escape still can't send ESC or RLO", async () => {
    const r = await run(
      [],
      async () => "ok",
      () => `line one ${HOSTILE["ESC sequence"]}\u202e`,
    );
    expect(r.stdout()).not.toMatch(RAW);
  });
});

const emptyLs = {
  bucket: "b",
  prefix: "",
  role: "viewer" as const,
  objects: [],
  count: 0,
  totalBytes: 0,
  truncated: false,
};
