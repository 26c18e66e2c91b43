import { describe, expect, test } from "vitest";
import { StrongboxError } from "../../../../src/core/errors.js";
import { type DurationRules, parseDuration } from "../../../../src/core/text/duration.js";

const flag: DurationRules = { flag: "expires", hint: "use e.g. 15m", bareSeconds: true };
const since: DurationRules = {
  flag: "since",
  hint: "use e.g. 24h",
  max: { seconds: 10 * 366 * 86400, words: "ten years" },
};

const refusal = (text: string, rules: DurationRules): StrongboxError => {
  try {
    parseDuration(text, rules);
  } catch (error) {
    if (error instanceof StrongboxError) return error;
    throw error;
  }
  throw new Error(`${text} was accepted`);
};

describe("parseDuration: one grammar for every duration flag", () => {
  test.each([
    ["900", 900],
    ["90s", 90],
    ["15m", 900],
    ["1h30m", 5400],
    ["30m1h", 5400],
    ["7d", 604800],
    ["2w", 1209600],
    [" 1d12h ", 129600],
  ])("%j → %i seconds", (text, seconds) => {
    expect(parseDuration(text, flag)).toBe(seconds);
  });

  test("a bare number is seconds only where the flag allows it", () => {
    expect(refusal("24", since).message).toBe('--since "24" is not a duration');
    expect(refusal("24", since).hint).toBe("use e.g. 24h");
  });

  test.each([
    ["", flag, /^--expires "" is not a duration$/],
    ["1.5h", flag, /is not a duration/],
    ["-5m", flag, /is not a duration/],
    ["h", flag, /is not a duration/],
    ["1h1h", flag, /repeats the unit "h"/],
    ["0", flag, /must be longer than zero/],
    ["0h", since, /must be longer than zero/],
    ["99999999999999999999s", flag, /is too long/],
    ["9999d", since, /is longer than ten years/],
  ])("%j is refused as a usage error", (text, rules, message) => {
    const error = refusal(text, rules);
    expect(error.kind).toBe("usage");
    expect(error.message).toMatch(message);
  });
});
