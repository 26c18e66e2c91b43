import { createHash } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Clock } from "../../../../src/core/clock.js";
import type { Presigner } from "../../../../src/core/presign.js";
import type {
  HttpRequest,
  HttpResponse,
  Transport,
} from "../../../../src/core/transfer/transport.js";

/** Shared by the download tests: a fake presigner, clock and one-object S3. */
export const presigner: Presigner = {
  async sign(req) {
    const query = new URLSearchParams(req.query ?? {}).toString();
    return {
      url: `https://fake/${req.key}?${query}&m=${req.method}`,
      headers: { ...(req.headers ?? {}) },
      expiresAt: new Date(0),
    };
  },
};
export const clock: Clock = { now: () => Date.now(), sleep: async () => {} };
export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("base64");

function response(
  status: number,
  body: Buffer,
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers,
    body: Readable.from([body]),
    text: async () => body.toString(),
    discard: async () => {},
  };
}

/** Serves one object (version v1): HEAD with its checksum, GET whole or by Range; `corrupt` flips a byte in what it sends. */
export function objectTransport(
  data: Buffer,
  opts: {
    checksum?: string;
    corrupt?: boolean;
    failRangeStart?: number;
    /** This range is always refused (403): the download stops, its partial file stays. */
    denyRangeStart?: number;
    partSize?: number;
    /** Extra HEAD headers (another checksum, another ETag, no SSE-KMS). */
    head?: Record<string, string>;
  } = {},
): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      const head = {
        "content-length": String(data.length),
        etag: '"0123456789abcdef0123456789abcdef"',
        "x-amz-version-id": "v1",
        "x-amz-server-side-encryption": "aws:kms",
        ...(opts.checksum ? { "x-amz-checksum-sha256": opts.checksum } : {}),
        ...opts.head,
      };
      const partNumber = Number(new URL(req.url).searchParams.get("partNumber") ?? 0);
      if (req.method === "HEAD" && partNumber > 0 && opts.partSize) {
        const size = Math.min(opts.partSize, data.length - (partNumber - 1) * opts.partSize);
        return response(200, Buffer.alloc(0), { ...head, "content-length": String(size) });
      }
      if (req.method === "HEAD") return response(200, Buffer.alloc(0), head);
      const range = /bytes=(\d+)-(\d+)/.exec(req.headers.range ?? "");
      const start = range ? Number(range[1]) : 0;
      const end = range ? Number(range[2]) + 1 : data.length;
      if (opts.failRangeStart === start) {
        opts.failRangeStart = undefined;
        return response(500, Buffer.from("<Error><Code>InternalError</Code></Error>"));
      }
      if (opts.denyRangeStart === start) {
        return response(403, Buffer.from("<Error><Code>AccessDenied</Code></Error>"));
      }
      const body = Buffer.from(data.subarray(start, end));
      if (opts.corrupt && body.length > 0) body[0] = (body[0] ?? 0) ^ 0xff;
      return response(range ? 206 : 200, body, head);
    },
    close: async () => {},
  };
}

export async function workdir() {
  return mkdtemp(join(tmpdir(), "sb-download-"));
}
