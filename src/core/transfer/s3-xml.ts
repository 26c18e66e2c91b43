import { parseXML } from "@aws-sdk/xml-builder";

/**
 * S3's XML answers read with the AWS SDK's own parser (@aws-sdk/xml-builder:
 * entities, CDATA, comments, namespaces), not with regular expressions.
 * A body that is not XML (an HTML page from a proxy, nothing) reads as empty.
 */
type XmlNode = string | XmlNode[] | { [name: string]: XmlNode };

function parse(xml: string): XmlNode | undefined {
  if (xml.trim() === "") return undefined;
  try {
    return parseXML(xml) as XmlNode;
  } catch {
    return undefined;
  }
}

/** Depth-first: the first element named `tag`, wherever it is. */
function find(node: XmlNode | undefined, tag: string): XmlNode | undefined {
  if (node === undefined || typeof node === "string") return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = find(item, tag);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (Object.hasOwn(node, tag)) return node[tag];
  for (const child of Object.values(node)) {
    const found = find(child, tag);
    if (found !== undefined) return found;
  }
  return undefined;
}

const textOf = (node: XmlNode | undefined): string | undefined =>
  typeof node === "string"
    ? node
    : node !== undefined && !Array.isArray(node) && Object.keys(node).length === 0
      ? ""
      : undefined;

const listOf = (node: XmlNode | undefined): XmlNode[] =>
  node === undefined ? [] : Array.isArray(node) ? node : [node];

/** The text of the first `<tag>` in the document. */
export function xmlText(xml: string, tag: string): string | undefined {
  return textOf(find(parse(xml), tag));
}

/** `<Code>` and `<Message>` of an S3 error body. */
export function parseS3Error(body: string): { code?: string; message?: string } {
  const doc = parse(body);
  const code = textOf(find(doc, "Code"));
  const message = textOf(find(doc, "Message"));
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

export function encodeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export interface ServerPart {
  number: number;
  size: number;
  etag: string;
  checksumSha256?: string;
}

export function parseListParts(xml: string): {
  parts: ServerPart[];
  truncated: boolean;
  nextMarker?: string;
} {
  const doc = parse(xml);
  const parts = listOf(find(doc, "Part")).map((block) => {
    const checksum = textOf(find(block, "ChecksumSHA256"));
    return {
      number: Number(textOf(find(block, "PartNumber"))),
      size: Number(textOf(find(block, "Size"))),
      etag: textOf(find(block, "ETag")) ?? "",
      ...(checksum ? { checksumSha256: checksum } : {}),
    };
  });
  const nextMarker = textOf(find(doc, "NextPartNumberMarker"));
  return {
    parts,
    truncated: textOf(find(doc, "IsTruncated")) === "true",
    ...(nextMarker ? { nextMarker } : {}),
  };
}

/** One page of a ListObjectsV2 answer: each `<Contents>`' key and size, and where the next page starts. */
export function parseListObjects(xml: string): {
  objects: Array<{ key: string; size: number }>;
  truncated: boolean;
  nextToken?: string;
} {
  const doc = parse(xml);
  const objects = listOf(find(doc, "Contents")).flatMap((block) => {
    const key = textOf(find(block, "Key"));
    return key === undefined ? [] : [{ key, size: Number(textOf(find(block, "Size")) ?? 0) }];
  });
  const nextToken = textOf(find(doc, "NextContinuationToken"));
  return {
    objects,
    truncated: textOf(find(doc, "IsTruncated")) === "true",
    ...(nextToken ? { nextToken } : {}),
  };
}

export function completeMultipartBody(
  parts: Array<{ number: number; etag: string; checksumSha256?: string }>,
): string {
  const items = parts
    .map(
      (p) =>
        `<Part><PartNumber>${p.number}</PartNumber><ETag>${encodeXml(p.etag)}</ETag>` +
        (p.checksumSha256 ? `<ChecksumSHA256>${p.checksumSha256}</ChecksumSHA256>` : "") +
        "</Part>",
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</CompleteMultipartUpload>`;
}
