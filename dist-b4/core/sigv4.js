import { createHash, createHmac } from "node:crypto";
export function createQuerySigner(credentials, region, service = "s3") {
    let keyDay = "";
    let signingKey = Buffer.alloc(0);
    const keyFor = (day) => {
        if (day !== keyDay) {
            const kDate = hmac(`AWS4${credentials.secretAccessKey}`, day);
            signingKey = hmac(hmac(hmac(kDate, region), service), "aws4_request");
            keyDay = day;
        }
        return signingKey;
    };
    return (input) => {
        const longDate = `${input.date.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
        const day = longDate.slice(0, 8);
        const scope = `${day}/${region}/${service}/aws4_request`;
        const headers = { ...input.headers, host: input.host };
        const names = Object.keys(headers).sort();
        const signedHeaders = names.join(";");
        const query = {
            ...input.query,
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD",
            "X-Amz-Credential": `${credentials.accessKeyId}/${scope}`,
            "X-Amz-Date": longDate,
            "X-Amz-Expires": String(input.expiresInSeconds),
            ...(credentials.sessionToken ? { "X-Amz-Security-Token": credentials.sessionToken } : {}),
            "X-Amz-SignedHeaders": signedHeaders,
        };
        const canonicalQuery = encodeQuery(query);
        let canonicalHeaders = "";
        for (const name of names)
            canonicalHeaders += `${name}:${String(headers[name]).trim().replace(/\s+/g, " ")}\n`;
        const canonicalRequest = `${input.method}\n${input.path}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders}\nUNSIGNED-PAYLOAD`;
        const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash("sha256").update(canonicalRequest).digest("hex")}`;
        const signature = createHmac("sha256", keyFor(day)).update(stringToSign).digest("hex");
        return `${input.origin}${input.path}?${encodeQuery({ ...query, "X-Amz-Signature": signature })}`;
    };
}
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();
/** Sorted by name, each name and value RFC 3986-encoded: SigV4's canonical query, also the URL's. */
function encodeQuery(query) {
    return Object.keys(query)
        .sort()
        .map((name) => `${uriEncode(name)}=${uriEncode(query[name] ?? "")}`)
        .join("&");
}
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;
/** RFC 3986 percent-encoding, as SigV4 wants it (also !'()*). */
export function uriEncode(text) {
    if (UNRESERVED.test(text))
        return text;
    return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
