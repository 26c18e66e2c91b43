/** Just enough XML for S3's few response shapes (flat, well known, no attributes needed). */

export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1]);
}

/** `<Code>` and `<Message>` of an S3 error body. */
export function parseS3Error(body: string): { code?: string; message?: string } {
  const code = xmlText(body, "Code");
  const message = xmlText(body, "Message");
  return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
}

export function xmlBlocks(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, "g");
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) out.push(m[1] ?? "");
  return out;
}

export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" }[entity] ?? "";
  });
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
  const parts = xmlBlocks(xml, "Part").map((block) => {
    const checksum = xmlText(block, "ChecksumSHA256");
    return {
      number: Number(xmlText(block, "PartNumber")),
      size: Number(xmlText(block, "Size")),
      etag: xmlText(block, "ETag") ?? "",
      ...(checksum ? { checksumSha256: checksum } : {}),
    };
  });
  const nextMarker = xmlText(xml, "NextPartNumberMarker");
  return {
    parts,
    truncated: xmlText(xml, "IsTruncated") === "true",
    ...(nextMarker ? { nextMarker } : {}),
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
