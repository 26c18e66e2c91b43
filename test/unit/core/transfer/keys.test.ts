import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keyFor, validateKey } from "../../../../src/core/transfer/keys.js";

describe("object keys for uploads", () => {
  it("accepts up to 1024 bytes of UTF-8 and refuses 1025", () => {
    expect(validateKey("a".repeat(1024))).toHaveLength(1024);
    expect(() => validateKey("a".repeat(1025))).toThrow(
      /1025 bytes of UTF-8; S3 allows at most 1024/,
    );
  });

  it("counts bytes, not characters", () => {
    const euro = "€"; // 3 bytes
    expect(() => validateKey(euro.repeat(341))).not.toThrow(); // 1023 bytes
    expect(() => validateKey(euro.repeat(342))).toThrow(/1026 bytes/);
  });

  it.each([
    ["empty", "", /cannot be empty/],
    ["NUL", "a\u0000b", /control characters/],
    ["newline", "a\nb", /control characters/],
    ["lone surrogate", "a\ud800", /lone surrogate/],
    ["dot-dot segment", "a/../b", /"\." or "\.\." path segments/],
    ["dot segment", "./a", /"\." or "\.\." path segments/],
  ])("refuses %s", (_label, key, message) => {
    expect(() => validateKey(key)).toThrow(message);
  });

  it("keeps ordinary keys as they are", () => {
    for (const key of ["a..b", "dir/file.txt", ".hidden", "Café/naïve.txt", "with space/x"]) {
      expect(validateKey(key)).toBe(key);
    }
  });

  it("builds folder keys as prefix + relative POSIX path", () => {
    expect(keyFor("backup/", join("a", "b", "c.txt"))).toBe("backup/a/b/c.txt");
    expect(keyFor("", "top.txt")).toBe("top.txt");
  });
});
