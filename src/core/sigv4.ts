import { createHash, createHmac } from "node:crypto";

/**
 * AWS Signature Version 4 query signing (a pre-signed URL), for S3: the path
 * is signed as given (already encoded once), the payload is UNSIGNED-PAYLOAD,
 * and every header passed is signed (with host). Written on node:crypto alone
 * because it is the transfer's hot path: one URL per request, thousands per
 * transfer; the AWS SDK's signer costs five times the CPU and 13 MiB of
 * memory to load. test/unit/core/presign.test.ts holds its URLs to the
 * SDK's, byte for byte.
 */
export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface QueryPresignInput {
  method: string;
  /** Origin of the URL, e.g. "https://bucket.s3.eu-west-1.amazonaws.com". */
  origin: string;
  /** hostname[:port], as sent in the Host header. */
  host: string;
  /** The encoded path, e.g. "/bucket/dir/file%20name.bin". */
  path: string;
  query: Record<string, string>;
  /** Lower-case names; all are signed. */
  headers: Record<string, string>;
  date: Date;
  expiresInSeconds: number;
}

export function createQuerySigner(credentials: SigV4Credentials, region: string, service = "s3") {
  let keyDay = "";
  let signingKey = Buffer.alloc(0);
  const keyFor = (day: string) => {
    if (day !== keyDay) {
      const kDate = hmac(`AWS4${credentials.secretAccessKey}`, day);
      signingKey = hmac(hmac(hmac(kDate, region), service), "aws4_request");
      keyDay = day;
    }
    return signingKey;
  };

  // The session token (~1 KB) is the same in every URL: encoded once, not twice a URL.
  const fixedPairs: [string, string][] = [
    ["X-Amz-Algorithm", "X-Amz-Algorithm=AWS4-HMAC-SHA256"],
    ["X-Amz-Content-Sha256", "X-Amz-Content-Sha256=UNSIGNED-PAYLOAD"],
  ];
  if (credentials.sessionToken) {
    const token = uriEncode(credentials.sessionToken);
    fixedPairs.push(["X-Amz-Security-Token", `X-Amz-Security-Token=${token}`]);
  }

  return (input: QueryPresignInput): string => {
    const longDate = `${input.date.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
    const day = longDate.slice(0, 8);
    const scope = `${day}/${region}/${service}/aws4_request`;
    const headers: Record<string, string> = { ...input.headers, host: input.host };
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(";");
    // Each pair encoded once, as [name, "name=value"], sorted by name: the canonical
    // query, and (with the signature put in its place) the URL's.
    const pairs: [string, string][] = [
      ...fixedPairs,
      ["X-Amz-Credential", `X-Amz-Credential=${uriEncode(`${credentials.accessKeyId}/${scope}`)}`],
      ["X-Amz-Date", `X-Amz-Date=${longDate}`],
      ["X-Amz-Expires", `X-Amz-Expires=${input.expiresInSeconds}`],
      ["X-Amz-SignedHeaders", `X-Amz-SignedHeaders=${uriEncode(signedHeaders)}`],
    ];
    for (const [name, value] of Object.entries(input.query)) {
      // The signer's own parameters win over a caller's of the same name.
      if (!SIGNER_NAMES.has(name)) pairs.push([name, `${uriEncode(name)}=${uriEncode(value)}`]);
    }
    pairs.sort(byName);
    let canonicalHeaders = "";
    for (const name of names)
      canonicalHeaders += `${name}:${String(headers[name]).trim().replace(/\s+/g, " ")}\n`;
    const canonicalRequest = `${input.method}\n${input.path}\n${joined(pairs)}\n${canonicalHeaders}\n${signedHeaders}\nUNSIGNED-PAYLOAD`;
    const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
    const signature = createHmac("sha256", keyFor(day)).update(stringToSign).digest("hex");
    pairs.push(["X-Amz-Signature", `X-Amz-Signature=${signature}`]);
    pairs.sort(byName);
    return `${input.origin}${input.path}?${joined(pairs)}`;
  };
}

const SIGNER_NAMES = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Content-Sha256",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-Security-Token",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
]);

const byName = (a: [string, string], b: [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
const joined = (pairs: [string, string][]) => pairs.map((pair) => pair[1]).join("&");

const hmac = (key: string | Buffer, data: string) =>
  createHmac("sha256", key).update(data).digest();

const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/** RFC 3986 percent-encoding, as SigV4 wants it (also !'()*). */
export function uriEncode(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
