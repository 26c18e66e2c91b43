import {
  parseListObjects,
  parseListParts,
  parseS3Error,
  xmlText,
} from "../../../src/core/transfer/s3-xml.js";
import { hostileTable, outcome, type Row } from "./hostile-input-fixtures.js";

/* The hostile-input table (hostile-input-fixtures.ts), its server answers: malformed or hostile XML. */

const part = (n: number | string, size: number | string = 5) =>
  `<Part><PartNumber>${n}</PartNumber><ETag>"e${n}"</ETag><Size>${size}</Size></Part>`;

const ROWS: Row[] = [
  // What a hostile or broken server may answer.
  {
    area: "server answer",
    case: "ListParts cut off mid-element",
    expected: /^refused: S3's answer is malformed/,
    observe: () => outcome(() => parseListParts(`<ListPartsResult>${part(1)}<Part><Par`), String),
  },
  {
    area: "server answer",
    case: "ListParts with a part number that is not a number",
    expected: /^refused: S3's answer is malformed/,
    observe: () =>
      outcome(() => parseListParts(`<ListPartsResult>${part("one")}</ListPartsResult>`), String),
  },
  {
    area: "server answer",
    case: "ListObjectsV2 entry without a Key",
    expected: /^refused: S3's answer is malformed/,
    observe: () =>
      outcome(
        () =>
          parseListObjects(
            "<ListBucketResult><Contents><Size>3</Size></Contents></ListBucketResult>",
          ),
        String,
      ),
  },
  {
    area: "server answer",
    case: "2 MiB of unclosed tags (a parser's quadratic trap)",
    expected: /^refused: S3's answer is malformed/,
    observe: () => outcome(() => xmlText("<Code>".repeat(350_000), "Code"), String),
  },
  {
    area: "server answer",
    case: "an error body that is HTML, not XML",
    expected: /^no code: the HTTP status speaks$/,
    observe: () =>
      outcome(
        () => parseS3Error("<html><body><h1>502 Bad Gateway</h1></body></html>"),
        (e) => (e.code === undefined ? "no code: the HTTP status speaks" : `code ${e.code}`),
      ),
  },
  {
    area: "server answer",
    case: "an error code carrying a terminal escape",
    expected: /^no code: the HTTP status speaks$/,
    observe: () =>
      outcome(
        () => parseS3Error("<Error><Code>Slow\u001b[2JDown</Code></Error>"),
        (e) => (e.code === undefined ? "no code: the HTTP status speaks" : `code ${e.code}`),
      ),
  },
];

hostileTable(ROWS);
