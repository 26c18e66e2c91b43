import { describe, expect, test } from "vitest";
import {
  decodeXml,
  parseListParts,
  parseS3Error,
  S3XmlError,
  xmlBlocks,
  xmlText,
} from "../../../src/core/transfer/s3-xml.js";

const part = (n: number, size = 5, etag = `"e${n}"`) =>
  `<Part><PartNumber>${n}</PartNumber><ETag>${etag}</ETag><Size>${size}</Size></Part>`;

describe("the S3 XML reader", () => {
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
    expect(xmlText("<CodeX>no</CodeX><Code>yes</Code>", "Code")).toBe("yes");
  });

  test.each([
    [
      "an unclosed element",
      `<ListPartsResult>${part(1)}<Part><PartNumber>2</PartNumber>`,
      /never closed/,
    ],
    ["an unterminated tag", "<ListPartsResult><Part", /unterminated/],
    [
      "a part number that is not one",
      `<ListPartsResult>${part(1).replace(">1<", ">one<")}</ListPartsResult>`,
      /PartNumber/,
    ],
    ["part number 0", `<ListPartsResult>${part(0)}</ListPartsResult>`, /PartNumber/],
    ["a negative size", `<ListPartsResult>${part(1, -5)}</ListPartsResult>`, /Size/],
    ["a part without an ETag", `<ListPartsResult>${part(1, 5, "")}</ListPartsResult>`, /ETag/],
  ])("refuses %s with a clear error", (_name, xml, message) => {
    let error: unknown;
    try {
      parseListParts(xml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(S3XmlError);
    expect((error as Error).message).toMatch(/^S3's answer is malformed: /);
    expect((error as Error).message).toMatch(message);
  });

  test("a character reference to no character is refused, not a RangeError", () => {
    expect(() => decodeXml("&#99999999;")).toThrow(S3XmlError);
    expect(() => decodeXml("&#xD800;")).toThrow(S3XmlError);
    expect(decodeXml("&#x41;&#66;&lt;")).toBe("AB<");
  });

  test("an error body that can't be read yields no code (the HTTP status still speaks)", () => {
    expect(parseS3Error("<Error><Code>SlowDown")).toEqual({});
  });

  test("linear time: 2 MiB of unclosed or almost-matching tags is one pass", () => {
    // With the former backtracking regex each of these took minutes (quadratic).
    const unclosedOpenings = "<Code>".repeat(350_000);
    expect(() => xmlText(unclosedOpenings, "Code")).toThrow(S3XmlError);
    const nearMisses = "<Cod".repeat(500_000);
    expect(xmlText(nearMisses, "Code")).toBeUndefined();
    const manyParts = `<ListPartsResult>${part(1).repeat(10_000)}</ListPartsResult>`;
    expect(xmlBlocks(manyParts, "Part")).toHaveLength(10_000);
  });
});
