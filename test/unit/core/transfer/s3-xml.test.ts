import { describe, expect, test } from "vitest";
import {
  parseListObjects,
  parseListParts,
  parseS3Error,
  S3XmlError,
  xmlText,
} from "../../../../src/core/transfer/s3-xml.js";

const part = (n: number | string, size: number | string = 5, etag = `"e${n}"`) =>
  `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag><Size>${size}</Size></Part>`;

function malformed(read: () => unknown): Error {
  let error: unknown;
  try {
    read();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(S3XmlError);
  expect((error as Error).message).toMatch(/^S3's answer is malformed: /);
  return error as Error;
}

describe("the S3 XML reader (the SDK's parser, then the shape checked)", () => {
  test("reads S3's shapes: error, ListParts, attributes on the root, self-closing tags", () => {
    expect(
      parseS3Error(
        '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>a &amp; b</Message></Error>',
      ),
    ).toEqual({ code: "SlowDown", message: "a & b" });
    const page = parseListParts(
      `<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${part(1)}${part(2, 7)}<IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker></ListPartsResult>`,
    );
    expect(page).toEqual({
      parts: [
        { number: 1, size: 5, etag: '"e1"' },
        { number: 2, size: 7, etag: '"e2"' },
      ],
      truncated: true,
      nextMarker: "2",
    });
    expect(xmlText("<A><Code/><Code>x</Code></A>", "Code")).toBe("");
    // <CodeX> is another tag.
    expect(xmlText("<A><CodeX>no</CodeX><Code>yes</Code></A>", "Code")).toBe("yes");
  });

  test("a <Code> inside a comment or CDATA is not the error's code", () => {
    const body =
      "<Error><!-- <Code>Old</Code> --><Message><![CDATA[see <Code>x</Code>]]></Message><Code>SlowDown</Code></Error>";
    expect(parseS3Error(body)).toEqual({ code: "SlowDown", message: "see <Code>x</Code>" });
  });

  test("entities are decoded; an error body that is not XML reads as empty", () => {
    expect(
      parseS3Error("<Error><Code>A</Code><Message>a &amp; b &#x263A;</Message></Error>"),
    ).toEqual({ code: "A", message: "a & b ☺" });
    expect(parseS3Error("<html><body>502 Bad Gateway")).toEqual({});
    expect(parseS3Error("")).toEqual({});
    expect(parseS3Error("<Error><Code>SlowDown")).toEqual({});
    expect(
      xmlText(
        "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>",
        "UploadId",
      ),
    ).toBe("u1");
  });

  test("an error code that is not shaped like one is dropped (the HTTP status speaks); a long message is cut", () => {
    expect(parseS3Error("<Error><Code>Access Denied; rm -rf</Code></Error>")).toEqual({});
    expect(parseS3Error("<Error><Code><X>y</X></Code><Message>m</Message></Error>")).toEqual({
      message: "m",
    });
    const long = parseS3Error(
      `<Error><Code>A</Code><Message>${"x".repeat(5000)}</Message></Error>`,
    );
    expect(long.message?.length).toBeLessThan(1100);
  });

  test("ListParts: one part or many, truncation and marker, no parts", () => {
    const one = parseListParts(
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated><NextPartNumberMarker>1</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag><Size>5242880</Size><ChecksumSHA256>c1=</ChecksumSHA256></Part></ListPartsResult>',
    );
    expect(one).toEqual({
      parts: [{ number: 1, size: 5242880, etag: '"e1"', checksumSha256: "c1=" }],
      truncated: true,
      nextMarker: "1",
    });
    expect(
      parseListParts("<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>").parts,
    ).toEqual([]);
  });

  test("ListObjectsV2: keys and sizes, continuation; a listed object without a key or size is refused", () => {
    const page = parseListObjects(
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated><Contents><Key>a/x&amp;y</Key><Size>3</Size></Contents><Contents><Key>a/z</Key><Size>0</Size></Contents><NextContinuationToken>t1</NextContinuationToken></ListBucketResult>',
    );
    expect(page).toEqual({
      objects: [
        { key: "a/x&y", size: 3 },
        { key: "a/z", size: 0 },
      ],
      truncated: true,
      nextToken: "t1",
    });
    expect(parseListObjects("<ListBucketResult><KeyCount>0</KeyCount></ListBucketResult>")).toEqual(
      {
        objects: [],
        truncated: false,
      },
    );
    expect(
      malformed(() =>
        parseListObjects(
          "<ListBucketResult><Contents><Size>3</Size></Contents></ListBucketResult>",
        ),
      ).message,
    ).toMatch(/Key/);
    expect(
      malformed(() =>
        parseListObjects(
          "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
        ),
      ).message,
    ).toMatch(/Size/);
  });

  test.each([
    [
      "an unclosed element",
      `<ListPartsResult>${part(1)}<Part><PartNumber>2</PartNumber>`,
      /closing tag|end of input/,
    ],
    ["an unterminated tag", "<ListPartsResult><Part", /end of input/],
    ["mismatched tags", "<ListPartsResult><Part></Size></ListPartsResult>", /mismatched/],
    ["an empty body", "", /empty body/],
    ["a page that is not XML", "<html>502 Bad Gateway", /closing tag|end of input/],
    [
      "a part number that is not one",
      `<ListPartsResult>${part("one")}</ListPartsResult>`,
      /PartNumber/,
    ],
    ["part number 0", `<ListPartsResult>${part(0)}</ListPartsResult>`, /PartNumber/],
    ["part number 10001", `<ListPartsResult>${part(10_001)}</ListPartsResult>`, /PartNumber/],
    [
      "a part number with children",
      `<ListPartsResult>${part("<N>1</N>")}</ListPartsResult>`,
      /PartNumber/,
    ],
    [
      "a part without a PartNumber",
      "<ListPartsResult><Part><ETag>e</ETag><Size>1</Size></Part></ListPartsResult>",
      /PartNumber/,
    ],
    ["a negative size", `<ListPartsResult>${part(1, -5)}</ListPartsResult>`, /Size/],
    ["a size that is not a number", `<ListPartsResult>${part(1, "big")}</ListPartsResult>`, /Size/],
    [
      "a part without a Size",
      "<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></ListPartsResult>",
      /Size/,
    ],
    ["a part without an ETag", `<ListPartsResult>${part(1, 5, "")}</ListPartsResult>`, /ETag/],
    [
      "a character reference to no character",
      `<ListPartsResult>${part(1, 5, "&#99999999;")}</ListPartsResult>`,
      /no character/,
    ],
    [
      "a lone surrogate",
      `<ListPartsResult>${part(1, 5, "&#xD800;")}</ListPartsResult>`,
      /no character/,
    ],
  ])("refuses %s with a clear error", (_name, xml, message) => {
    expect(malformed(() => parseListParts(xml)).message).toMatch(message);
  });

  test("a success body that can't be read is an error, never 'no such element'", () => {
    malformed(() => xmlText("<InitiateMultipartUploadResult><UploadId>u1", "UploadId"));
    expect(() => xmlText("&#0;", "Code")).toThrow(S3XmlError);
  });

  test("hostile bodies (2 MiB of unclosed or almost-matching tags, deep nesting) are refused in one pass", () => {
    malformed(() => xmlText("<Code>".repeat(350_000), "Code"));
    malformed(() => xmlText("<Cod".repeat(500_000), "Code"));
    malformed(() => xmlText(`${"<a>".repeat(200_000)}${"</a>".repeat(200_000)}`, "Code"));
    const manyParts = `<ListPartsResult>${part(1).repeat(10_000)}</ListPartsResult>`;
    expect(parseListParts(manyParts).parts).toHaveLength(10_000);
  });
});
