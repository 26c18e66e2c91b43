import { describe, expect, it } from "vitest";
import {
  parseListObjects,
  parseListParts,
  parseS3Error,
  xmlText,
} from "../../../src/core/transfer/s3-xml.js";

describe("S3 XML reader (the SDK's parser, not regular expressions)", () => {
  it("a <Code> inside a comment or CDATA is not the error's code", () => {
    const body =
      "<Error><!-- <Code>Old</Code> --><Message><![CDATA[see <Code>x</Code>]]></Message><Code>SlowDown</Code></Error>";
    expect(parseS3Error(body)).toEqual({ code: "SlowDown", message: "see <Code>x</Code>" });
  });

  it("entities are decoded; a body that is not XML reads as empty", () => {
    expect(
      parseS3Error("<Error><Code>A</Code><Message>a &amp; b &#x263A;</Message></Error>"),
    ).toEqual({
      code: "A",
      message: "a & b ☺",
    });
    expect(parseS3Error("<html><body>502 Bad Gateway")).toEqual({});
    expect(parseS3Error("")).toEqual({});
    expect(
      xmlText(
        "<InitiateMultipartUploadResult><UploadId>u1</UploadId></InitiateMultipartUploadResult>",
        "UploadId",
      ),
    ).toBe("u1");
  });

  it("ListParts: one part or many, truncation and marker", () => {
    const one = parseListParts(
      '<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><IsTruncated>true</IsTruncated><NextPartNumberMarker>1</NextPartNumberMarker><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag><Size>5242880</Size><ChecksumSHA256>c1=</ChecksumSHA256></Part></ListPartsResult>',
    );
    expect(one).toEqual({
      parts: [{ number: 1, size: 5242880, etag: '"e1"', checksumSha256: "c1=" }],
      truncated: true,
      nextMarker: "1",
    });
    const two = parseListParts(
      "<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>a</ETag><Size>1</Size></Part><Part><PartNumber>2</PartNumber><ETag>b</ETag><Size>2</Size></Part></ListPartsResult>",
    );
    expect(two.parts.map((p) => p.number)).toEqual([1, 2]);
    expect(two.truncated).toBe(false);
    expect(
      parseListParts("<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>").parts,
    ).toEqual([]);
  });
});

describe("parseListObjects", () => {
  it("reads each key as text (entities decoded, digits kept), its size and the next page's token", () => {
    const page = parseListObjects(
      '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        "<IsTruncated>true</IsTruncated>" +
        "<Contents><Key>p/007</Key><Size>3</Size></Contents>" +
        "<Contents><Key>p/a&amp;b &lt;x&gt;</Key><Size>0</Size></Contents>" +
        "<NextContinuationToken>abc==</NextContinuationToken></ListBucketResult>",
    );
    expect(page).toEqual({
      objects: [
        { key: "p/007", size: 3 },
        { key: "p/a&b <x>", size: 0 },
      ],
      truncated: true,
      nextToken: "abc==",
    });
  });

  it("reads one object, and a last page, and an empty listing", () => {
    expect(
      parseListObjects(
        "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>0123</Key><Size>5</Size></Contents></ListBucketResult>",
      ),
    ).toEqual({ objects: [{ key: "0123", size: 5 }], truncated: false });
    expect(
      parseListObjects("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"),
    ).toEqual({ objects: [], truncated: false });
  });
});
