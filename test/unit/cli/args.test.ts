import { describe, expect, it } from "vitest";
import {
  collectRule,
  optionalPositiveInt,
  parseDurationSeconds,
  parsePositiveInt,
} from "../../../src/cli/args.js";
import { StrongboxError } from "../../../src/core/errors.js";

/** The shared parsers; what each command makes of its argv is in argv-table.test.ts. */

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

describe("parsePositiveInt", () => {
  it.each([
    ["1", 1],
    ["42", 42],
  ])("%s → %i", (text, n) => expect(parsePositiveInt(text, "n")).toBe(n));
  it.each(["", "0", "-1", "1.5", "1e3", "x", "99999999999999999999"])("%j is refused", (text) => {
    expect(() => parsePositiveInt(text, "n")).toThrow(/--n must be a positive whole number/);
  });
  it("optionalPositiveInt: absent stays undefined", () => {
    expect(optionalPositiveInt(undefined, "n")).toBeUndefined();
    expect(optionalPositiveInt("3", "n")).toBe(3);
  });
});

describe("collectRule", () => {
  it("keeps --exclude and --include in the order given, in one list", () => {
    const rules: Parameters<typeof collectRule>[1] = [];
    collectRule("exclude", rules)("*");
    collectRule("include", rules)("*.jpg");
    expect(rules).toEqual([
      { kind: "exclude", pattern: "*" },
      { kind: "include", pattern: "*.jpg" },
    ]);
  });
});
