import { describe, expect, test } from "vitest";
import { formatAgo, formatDuration, secondsUntil } from "../../../../src/ui/page/format.js";

describe("the page's display helpers", () => {
  test("an age reads in minutes, hours, days or years", () => {
    expect(formatAgo(20)).toBe("just now");
    expect(formatAgo(-5)).toBe("just now");
    expect(formatAgo(5 * 60 + 59)).toBe("5 min ago");
    expect(formatAgo(3 * 3600)).toBe("3 h ago");
    expect(formatAgo(47 * 3600)).toBe("47 h ago");
    expect(formatAgo(48 * 3600)).toBe("2 days ago");
    expect(formatAgo(140_741 * 3600)).toBe("16 years ago");
    expect(formatAgo(Number.NaN)).toBe("–");
  });

  test("a duration left reads in seconds, minutes or hours", () => {
    expect(formatDuration(42)).toBe("42 s");
    expect(formatDuration(600)).toBe("10 min");
    expect(formatDuration(3725)).toBe("1 h 2 min");
    expect(formatDuration(-1)).toBe("–");
    expect(secondsUntil("2026-01-01T00:01:00Z", Date.parse("2026-01-01T00:00:00Z"))).toBe(60);
  });
});
