import { sha256 } from "../core/transfer/download-fixtures.js";
import { data, hostileTable, integrityRow, type Row, sse } from "./hostile-input-fixtures.js";

/*
 * The hostile-input table (hostile-input-fixtures.ts), its integrity rows:
 * bytes that don't match what S3 says it holds are never "verified", and leave no file.
 */

const ROWS: Row[] = [
  {
    area: "integrity",
    case: "a wrong MD5 ETag",
    expected: /^refused: .*do not match S3's ETag \(MD5\).* \| files: none$/,
    observe: integrityRow({ ...sse, etag: '"ffffffffffffffffffffffffffffffff"' }),
  },
  {
    area: "integrity",
    case: "a flipped byte under a stored SHA-256",
    expected: /^refused: .*(match|checksum).* \| files: none$/i,
    observe: integrityRow({ "x-amz-checksum-sha256": sha256(data) }, { corrupt: true }),
  },
  {
    area: "integrity",
    case: "a body cut short (half of what was asked for)",
    // Nothing under the final name; the partial stays for the next run to resume.
    expected: /^refused: .*cut short.* \| files: k\.bin\.strongbox-partial$/,
    observe: integrityRow({ "x-amz-checksum-sha256": sha256(data) }, { truncate: true }),
  },
  {
    area: "integrity",
    case: "no checksum at all, with --require-checksum",
    expected: /^refused: .*no checksum.*--require-checksum.* \| files: none$/,
    observe: integrityRow({}, { requireChecksum: true }),
  },
  {
    area: "integrity",
    case: "no checksum at all, without --require-checksum",
    expected: /^verified none \| files: k\.bin$/,
    observe: integrityRow({}),
  },
];

hostileTable(ROWS);
