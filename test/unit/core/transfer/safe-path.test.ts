import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { quoteKey } from "../../../../src/core/text/printable.js";
import { resolveKeyPath, safeKeyPath } from "../../../../src/core/transfer/safe-path.js";

const root = resolve("/srv/downloads");

/** Every hostile key tried, and what must happen to it (the issue asks for this list). */
const hostile: Array<[label: string, key: string, refusal: RegExp]> = [
  ["parent traversal", "../etc/passwd", /"\.\." path segment/],
  ["traversal in the middle", "a/../../etc/passwd", /"\.\." path segment/],
  ["bare ..", "..", /"\.\." path segment/],
  ["dot segment", "a/./b", /"\." path segment/],
  ["absolute POSIX path", "/etc/passwd", /absolute path/],
  ["NUL byte", "ok.txt\u0000.jpg", /NUL byte/],
  ["other control character (ESC)", "a\u001b[31mred", /control character/],
  ["C1 control (CSI)", "a\u009b31m", /control character/],
  ["backslash traversal", "..\\..\\windows\\win.ini", /backslash/],
  ["backslash separator", "dir\\file.txt", /backslash/],
  ["Windows drive letter", "C:\\Windows\\system32", /backslash|drive letter/],
  ["drive-relative path", "C:evil.txt", /drive letter/],
  ["drive letter in a later segment", "docs/D:/x", /drive letter/],
  ["UNC path", "\\\\server\\share\\x", /backslash/],
  ["fullwidth full stops (U+FF0E)", "\uff0e\uff0e/etc/passwd", /after Unicode normalisation/],
  ["fullwidth solidus (U+FF0F)", "..\uff0fetc", /slash/],
  ["division slash (U+2215)", "..\u2215..\u2215etc", /slash/],
  ["fraction slash (U+2044)", "a\u2044b", /slash/],
  ["fullwidth reverse solidus (U+FF3C)", "..\uff3cx", /slash/],
  ["one-dot leaders (U+2024)", "\u2024\u2024/x", /after Unicode normalisation/],
  ["two-dot leader (U+2025)", "\u2025/x", /after Unicode normalisation/],
  ["fullwidth colon drive (U+FF23 U+FF1A)", "\uff23\uff1a/x", /after Unicode normalisation/],
  ["look-alike dot inside a name", "report\uff0epdf", /look-alike/],
  ["trailing dot (Windows drops it)", "dir./file", /ends with a dot or a space/],
  ["three dots (Windows: ..)", ".../x", /ends with a dot or a space/],
  ["trailing space", "name /x", /ends with a dot or a space/],
  ["empty segment", "a//b", /empty path segment/],
  ["trailing slash (a folder marker)", "photos/", /empty path segment/],
  ["empty key", "", /empty key/],
  ["right-to-left override", "invoice\u202Efdp.exe", /bidirectional/],
  ["zero-width space", "a\u200b/b", /invisible/],
  ["lone surrogate", "a\ud800b", /lone surrogate/],
  ["overlong segment", "x".repeat(256), /longer than 255 bytes/],
];

const accepted: Array<[label: string, key: string, relative: string]> = [
  ["plain name", "report.pdf", "report.pdf"],
  ["nested", "2026/q1/report.pdf", join("2026", "q1", "report.pdf")],
  ["dots inside names", "a..b/.hidden", join("a..b", ".hidden")],
  ["spaces and unicode", "Café Menü/naïve résumé.txt", join("Café Menü", "naïve résumé.txt")],
  ["colon in a name on POSIX (timestamps)", "logs/10:00:00.log", join("logs", "10:00:00.log")],
  ["CJK", "報告/文件.txt", join("報告", "文件.txt")],
];

describe("safe paths for hostile keys", () => {
  it.each(hostile)("refuses %s", (_label, key, refusal) => {
    const result = resolveKeyPath(root, key, { platform: "linux" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(refusal);
  });

  it.each(accepted)("accepts %s", (_label, key, relative) => {
    const result = resolveKeyPath(root, key, { platform: "linux" });
    expect(result).toEqual({ ok: true, path: join(root, relative), relative });
  });

  it("never resolves outside the root, for any key in either table", () => {
    for (const [, key] of [...hostile, ...accepted]) {
      const result = resolveKeyPath(root, key, { platform: "linux" });
      if (result.ok) expect(result.path.startsWith(`${root}/`)).toBe(true);
    }
  });

  it.each([
    ["reserved device name", "CON", /reserved Windows device name/],
    ["reserved name with extension", "logs/nul.txt", /reserved Windows device name/],
    ["COM port", "com1", /reserved Windows device name/],
    ["alternate data stream", "file.txt:hidden", /colon/],
  ])("on Windows also refuses %s", (_label, key, refusal) => {
    const result = resolveKeyPath(root, key, { platform: "win32" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(refusal);
    expect(resolveKeyPath(root, key, { platform: "linux" }).ok).toBe(true);
  });

  it("throws a usable error that cannot drive the terminal", () => {
    expect(() => safeKeyPath(root, "../x\u001b[2J")).toThrow(/Refusing to write key/);
    expect(quoteKey("a\u001b[2J\u202e")).toBe('"a\\u{1b}[2J\\u{202e}"');
  });
});
