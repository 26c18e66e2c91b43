import { parseXML } from "@aws-sdk/xml-builder";
import { StrongboxError } from "../errors.js";
/**
 * S3's XML answers read with the AWS SDK's own parser (@aws-sdk/xml-builder:
 * entities, CDATA, comments, namespaces), not with regular expressions; what
 * Strongbox relies on is then checked on the parsed shape (part numbers,
 * sizes, ETags, error codes). A success body that can't be read is an error,
 * never taken as success; an error body that can't be read yields no code.
 * Bodies are capped before they get here (transport's text limit).
 */
/** S3's answer could not be read; it is never taken as success. */
export class S3XmlError extends StrongboxError {
    constructor(what) {
        super("failed", `S3's answer is malformed: ${what}.`, {
            hint: "Retry; if it persists, the endpoint is not S3 or something between rewrote its answer.",
        });
        this.name = "S3XmlError";
    }
}
/** A character reference to no character (the parser would turn it into another one). */
const CHARACTER_REFERENCE = /&#(x[0-9a-fA-F]+|[0-9]+);/g;
function checkCharacterReferences(xml) {
    for (const [, ref = ""] of xml.matchAll(CHARACTER_REFERENCE)) {
        const code = ref[0] === "x" ? Number.parseInt(ref.slice(1), 16) : Number.parseInt(ref, 10);
        if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff))
            throw new S3XmlError(`a character reference to no character (&#${ref.slice(0, 12)};)`);
    }
}
function parse(xml) {
    if (xml.trim() === "")
        throw new S3XmlError("an empty body where XML was expected");
    checkCharacterReferences(xml);
    try {
        return parseXML(xml);
    }
    catch (error) {
        // The parser's own messages; a body nested past the stack's depth is a RangeError.
        const why = error instanceof RangeError
            ? "elements nested too deep"
            : String(error.message ?? error).replace(/^@aws-sdk XML parse error: /, "");
        throw new S3XmlError(why.replace(/\.$/, ""));
    }
}
/** Depth-first: the first element named `tag`, wherever it is. */
function find(node, tag) {
    if (node === undefined || typeof node === "string")
        return undefined;
    if (Array.isArray(node)) {
        for (const item of node) {
            const found = find(item, tag);
            if (found !== undefined)
                return found;
        }
        return undefined;
    }
    if (Object.hasOwn(node, tag))
        return node[tag];
    for (const child of Object.values(node)) {
        const found = find(child, tag);
        if (found !== undefined)
            return found;
    }
    return undefined;
}
/**
 * The text of an element that holds only text; "" for an empty one; undefined
 * for anything else (children, or the element repeated where one is expected).
 */
const textOf = (node) => typeof node === "string"
    ? node
    : node !== undefined && !Array.isArray(node) && Object.keys(node).length === 0
        ? ""
        : undefined;
const listOf = (node) => node === undefined ? [] : Array.isArray(node) ? node : [node];
/** The text of the first `<tag>` in the document; S3XmlError when the document can't be read. */
export function xmlText(xml, tag) {
    const found = find(parse(xml), tag);
    return textOf(Array.isArray(found) ? found[0] : found);
}
/** What S3's error codes look like (AccessDenied, NoSuchUpload, …); anything else is not one. */
const S3_ERROR_CODE = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;
/** An error message longer than this is cut: it is shown to people, not parsed. */
const MESSAGE_CHARS = 1000;
/** `<Code>` and `<Message>` of an S3 error body; nothing when the body can't be read. */
export function parseS3Error(body) {
    let doc;
    try {
        doc = parse(body);
    }
    catch (error) {
        if (error instanceof S3XmlError)
            return {};
        throw error;
    }
    const first = (tag) => {
        const found = find(doc, tag);
        return textOf(Array.isArray(found) ? found[0] : found);
    };
    const code = first("Code")?.trim();
    const text = first("Message");
    const message = text !== undefined && text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
    return {
        ...(code && S3_ERROR_CODE.test(code) ? { code } : {}),
        ...(message ? { message } : {}),
    };
}
export function encodeXml(text) {
    return text
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;")
        .replace(/\r/g, "&#13;");
}
/**
 * One ListParts page. No check of the root element (moto's answer has another
 * one); every part is checked: a number S3 allows, a size, an ETag.
 */
export function parseListParts(xml) {
    const doc = parse(xml);
    const parts = listOf(find(doc, "Part")).map((block) => {
        const number = Number(textOf(find(block, "PartNumber")) ?? Number.NaN);
        const size = Number(textOf(find(block, "Size")) ?? Number.NaN);
        const etag = textOf(find(block, "ETag")) ?? "";
        if (!Number.isInteger(number) || number < 1 || number > 10_000)
            throw new S3XmlError("a part without a valid <PartNumber>");
        if (!Number.isSafeInteger(size) || size < 0)
            throw new S3XmlError(`part ${number} without a valid <Size>`);
        if (etag === "")
            throw new S3XmlError(`part ${number} without an <ETag>`);
        const checksum = textOf(find(block, "ChecksumSHA256"));
        return { number, size, etag, ...(checksum ? { checksumSha256: checksum } : {}) };
    });
    const nextMarker = textOf(find(doc, "NextPartNumberMarker"));
    return {
        parts,
        truncated: textOf(find(doc, "IsTruncated")) === "true",
        ...(nextMarker ? { nextMarker } : {}),
    };
}
/** One ListObjectsV2 page; every listed object must have a key and a size. */
export function parseListObjects(xml) {
    const doc = parse(xml);
    const objects = listOf(find(doc, "Contents")).map((block) => {
        const key = textOf(find(block, "Key"));
        const size = Number(textOf(find(block, "Size")) ?? Number.NaN);
        if (key === undefined || key === "")
            throw new S3XmlError("a listed object without a <Key>");
        if (!Number.isSafeInteger(size) || size < 0)
            throw new S3XmlError("a listed object without a valid <Size>");
        return { key, size };
    });
    const nextToken = textOf(find(doc, "NextContinuationToken"));
    return {
        objects,
        truncated: textOf(find(doc, "IsTruncated")) === "true",
        ...(nextToken ? { nextToken } : {}),
    };
}
export function completeMultipartBody(parts) {
    const items = parts
        .map((p) => `<Part><PartNumber>${p.number}</PartNumber><ETag>${encodeXml(p.etag)}</ETag>` +
        (p.checksumSha256 ? `<ChecksumSHA256>${p.checksumSha256}</ChecksumSHA256>` : "") +
        "</Part>")
        .join("");
    return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${items}</CompleteMultipartUpload>`;
}
