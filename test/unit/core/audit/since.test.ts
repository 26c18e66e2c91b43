import { describe, expect, it } from "vitest";
import { parseSince } from "../../../../src/core/audit/since.js";
import { StrongboxError } from "../../../../src/core/errors.js";

const NOW = Date.parse("2026-11-28T12:00:00.000Z");
const nowSeconds = NOW / 1000;

describe("parseSince", () => {
  it.each([
    ["24h", 86400],
    ["30m", 1800],
    ["900s", 900],
    ["7d", 7 * 86400],
    ["2w", 14 * 86400],
    ["1h30m", 5400],
    ["1d12h", 129600],
    [" 24h ", 86400],
  ])("%s → %i seconds back from now", (text, seconds) => {
    expect(parseSince(text, NOW)).toEqual({ startTime: nowSeconds - seconds, endTime: nowSeconds });
  });

  it("accepts an ISO instant with a zone", () => {
    expect(parseSince("2026-11-28T08:00:00Z", NOW).startTime).toBe(nowSeconds - 4 * 3600);
    expect(parseSince("2026-11-28T09:00:00+01:00", NOW).startTime).toBe(nowSeconds - 4 * 3600);
  });

  it("truncates a fractional now to whole seconds", () => {
    expect(parseSince("1m", NOW + 999).endTime).toBe(nowSeconds);
  });

  it.each([
    ["", /not a duration/],
    ["24", /not a duration/],
    ["24 hours", /not a duration/],
    ["-1h", /not a duration/],
    ["0h", /longer than zero/],
    ["1h1h", /repeats the unit/],
    ["9999d", /ten years/],
    ["2026-11-28T08:00:00", /time zone/],
    ["2026-13-40T08:00:00Z", /not a valid date/],
    ["2026-11-29T08:00:00Z", /not in the past/],
  ])("refuses %j as a usage error", (text, message) => {
    let error: unknown;
    try {
      parseSince(text, NOW);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StrongboxError);
    expect((error as StrongboxError).kind).toBe("usage");
    expect((error as StrongboxError).message).toMatch(message);
  });
});
