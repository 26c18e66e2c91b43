import { describe, expect, test } from "vitest";
import { formatBytes } from "../../../../src/core/text/bytes.js";

describe("formatBytes: one way to show a size", () => {
  test.each([
    [0, "0 B"],
    [42, "42 B"],
    [1023, "1023 B"],
    [1023.4, "1023 B"],
    [1023.6, "1.0 KiB"],
    [1024, "1.0 KiB"],
    [1536, "1.5 KiB"],
    [10 * 1024, "10 KiB"],
    [10 * 1024 - 40, "10 KiB"],
    [1024 * 1024 - 1, "1.0 MiB"],
    [64 * 1024 * 1024, "64 MiB"],
    [5 * 1024 ** 4, "5.0 TiB"],
    [6 * 1024 ** 5, "6.0 PiB"],
  ])("%d bytes → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
