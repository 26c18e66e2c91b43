import { validateKey } from "../../../src/core/transfer/keys.js";
import { objectTransport } from "../core/transfer/download-fixtures.js";
import {
  data,
  downloadKeys,
  hostileTable,
  outcome,
  plainEtag,
  type Row,
} from "./hostile-input-fixtures.js";

/* The hostile-input table (hostile-input-fixtures.ts), its keys: as file names, and as sent to S3. */

/** Five segments of 204 bytes and four slashes: 1,024 bytes, each segment under the 255 a file system allows. */
const key1024 = Array.from({ length: 5 }, (_, i) => String(i).repeat(204)).join("/");

const ROWS: Row[] = [
  // Keys S3 may hold that must never become a path outside the target folder.
  ...(
    [
      ["traversal ../", "../escape.txt", /"\.\." path segment/],
      ["traversal a/../../", "a/../../escape.txt", /"\.\." path segment/],
      ["absolute path", "/etc/strongbox-escape", /absolute path/],
      ["Windows drive letter", "C:/escape.txt", /drive letter/],
      ["backslash traversal", "..\\escape.txt", /backslash/],
      ["NUL byte", "a\u0000b.txt", /NUL byte/],
      ["terminal escape (control character)", "a\u001b]0;pwned\u0007.txt", /control character/],
      ["fullwidth dots (NFKC ..)", "\uff0e\uff0e/escape.txt", /look-alike|normalisation/],
      ["slash look-alike", "a\u2215escape.txt", /look-alike of a slash/],
      ["right-to-left override", "invoice\u202efdp.exe", /bidirectional/],
      ["segment over 255 bytes", "x".repeat(256), /longer than 255 bytes/],
      ["empty segment", "a//b.txt", /empty path segment/],
    ] as const
  ).map(
    ([name, key, reason]): Row => ({
      area: "key → file",
      case: name,
      expected: new RegExp(`^refused: Refusing to write key .*${reason.source}.* \\| files: none$`),
      observe: () => downloadKeys([key]),
    }),
  ),
  {
    area: "key → file",
    case: "1,024-byte key (five segments)",
    expected: /^verified md5 \| files: 0{204}\/1{204}\/2{204}\/3{204}\/4{204}$/,
    observe: () => downloadKeys([key1024], () => objectTransport(data, { head: plainEtag() })),
  },
  {
    area: "key → file",
    case: "Unicode normalization pair (NFC é, NFD e + U+0301)",
    expected:
      /^verified md5; verified md5 \| files: (caf\u00e9\.txt, cafe\u0301\.txt|cafe\u0301\.txt, caf\u00e9\.txt)$/,
    observe: () =>
      downloadKeys(["caf\u00e9.txt", "cafe\u0301.txt"], () =>
        objectTransport(data, { head: plainEtag() }),
      ),
  },
  {
    area: "key → file",
    case: "names that differ only by case",
    expected: /^verified md5; verified md5 \| files: Report\.txt, report\.txt$/,
    observe: () =>
      downloadKeys(["Report.txt", "report.txt"], () =>
        objectTransport(data, { head: plainEtag() }),
      ),
  },
  // Keys the CLI would send to S3.
  ...(
    [
      ["1,025-byte key", "k".repeat(1025), /^refused: .*1025 bytes.*at most 1024/],
      ["1,024-byte key", "k".repeat(1024), /^ok$/],
      ["empty key", "", /^refused: .*cannot be empty/],
      ["control character", "a\nb", /^refused: .*control characters/],
      ["dot segment", "a/./b", /^refused: .*"\." or "\.\." path segments/],
      ["lone surrogate", "a\ud800b", /^refused: .*lone surrogate/],
    ] as const
  ).map(
    ([name, key, expected]): Row => ({
      area: "key (upload)",
      case: name,
      expected,
      observe: () =>
        outcome(
          () => validateKey(key),
          () => "ok",
        ),
    }),
  ),
];

hostileTable(ROWS);
