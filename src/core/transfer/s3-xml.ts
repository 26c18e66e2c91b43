import { StrongboxError } from "../errors.js";

/**
 * Just enough XML for S3's few response shapes (flat, well known, no attributes
 * needed). Linear time: every search moves forward with indexOf, so a hostile
 * body (say, a million unclosed tags) costs one pass, never a backtracking regex.
 */

/** S3's answer could not be read; it is never taken as success. */
export class S3XmlError extends StrongboxError {
  constructor(what: string) {
    super("failed", `S3's answer is malformed: ${what}.`, {
      hint: "Retry; if it persists, the endpoint is not S3 or something between rewrote its answer.",
    });
    this.name = "S3XmlError";
  }
}

/** The inner text of each `<tag>` or `<tag attr…>` element, in order; an unclosed element is an error. */
function elements(xml: string, tag: string, limit = Number.POSITIVE_INFINITY): string[] {
  const out: string[] = [];
  const open = `<${tag}`;
  const close = `</${tag}>`;
  let from = 0;
  while (out.length < limit) {
    const at = xml.indexOf(open, from);
    if (at < 0) break;
    if (at + open.length >= xml.length) throw new S3XmlError(`an unterminated <${tag}> tag`);
    const after = xml.charCodeAt(at + open.length);
    // ">", "/" or whitespace: this very tag (not <CodeX>); anything else is another tag.
    if (
      after !== 62 &&
      after !== 47 &&
      after !== 32 &&
      after !== 9 &&
      after !== 10 &&
      after !== 13
    ) {
      from = at + open.length;
      continue;
    }
    const gt = xml.indexOf(">", at + open.length);
    if (gt < 0) throw new S3XmlError(`an unterminated <${tag}> tag`);
    if (xml.charCodeAt(gt - 1) === 47) {
      // <tag/>: empty.
      out.push("");
      from = gt + 1;
      continue;
    }
    const end = xml.indexOf(close, gt + 1);
    if (end < 0) throw new S3XmlError(`<${tag}> is never closed`);
    out.push(xml.slice(gt + 1, end));
    from = end + close.length;
  }
  return out;
}

export function xmlText(xml: string, tag: string): string | undefined {
  const [inner] = elements(xml, tag, 1);
  return inner === undefined ? undefined : decodeXml(inner);
}

/** `<Code>` and `<Message>` of an S3 error body; nothing when the body can't be read. */
export function parseS3Error(body: string): { code?: string; message?: string } {
  try {
    const code = xmlText(body, "Code");
    const message = xmlText(body, "Message");
    return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
  } catch (error) {
    if (error instanceof S3XmlError) return {};
    throw error;
  }
}

export function xmlBlocks(xml: string, tag: string): string[] {
  return elements(xml, tag);
}

export function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#")) {
      const code = entity.startsWith("#x")
        ? Number.parseInt(entity.slice(2), 16)
        : Number.parseInt(entity.slice(1), 10);
      if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff))
        throw new S3XmlError(`a character reference to no character (&${entity.slice(0, 12)};)`);
      return String.fromCodePoint(code);
    }
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
    const number = Number(xmlText(block, "PartNumber"));
    const size = Number(xmlText(block, "Size"));
    const etag = xmlText(block, "ETag") ?? "";
    if (!Number.isInteger(number) || number < 1 || number > 10_000)
      throw new S3XmlError("a part without a valid <PartNumber>");
    if (!Number.isSafeInteger(size) || size < 0)
      throw new S3XmlError(`part ${number} without a valid <Size>`);
    if (etag === "") throw new S3XmlError(`part ${number} without an <ETag>`);
    const checksum = xmlText(block, "ChecksumSHA256");
    return { number, size, etag, ...(checksum ? { checksumSha256: checksum } : {}) };
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
