import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { Presigner, PresignRequest } from "../../../../src/core/presign.js";
import {
  createMemoryStateStore,
  type ResumeRecord,
} from "../../../../src/core/transfer/state-store.js";
import type {
  HttpRequest,
  HttpResponse,
  Transport,
} from "../../../../src/core/transfer/transport.js";

/** Shared by the upload tests: a presigner that signs nothing, a scripted S3, resume records in memory. */
export const presigner = (signed: PresignRequest[]): Presigner => ({
  async sign(req) {
    signed.push(req);
    const query = new URLSearchParams(req.query ?? {}).toString();
    return {
      url: `https://fake/${req.key}?${query}`,
      headers: { ...(req.headers ?? {}) },
      expiresAt: new Date(0),
    };
  },
});

export interface Seen {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

export function response(
  status: number,
  body = "",
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status,
    headers,
    body: Readable.from([Buffer.from(body)]),
    text: async () => body,
    discard: async () => {},
  };
}

/** Each request is answered by the first handler that accepts it. */
export function scriptedTransport(
  answer: (req: Seen, index: number) => HttpResponse,
): Transport & { seen: Seen[] } {
  const seen: Seen[] = [];
  return {
    seen,
    async send(req: HttpRequest) {
      const chunks: Buffer[] = [];
      if (req.body instanceof Readable)
        for await (const c of req.body) chunks.push(Buffer.from(c as Buffer));
      else if (typeof req.body === "function") {
        // Copies: a file body reuses its buffers once a write is done.
        const sink = new Writable({
          write(chunk: Buffer, _encoding, done) {
            chunks.push(Buffer.from(chunk));
            done();
          },
        });
        await req.body(sink);
      } else if (req.body !== undefined) chunks.push(Buffer.from(req.body as Uint8Array));
      const entry = {
        method: req.method,
        url: new URL(req.url),
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      seen.push(entry);
      return answer(entry, seen.length - 1);
    },
    close: async () => {},
  };
}

export const memoryStore = (initial?: ResumeRecord) =>
  createMemoryStateStore(initial ? [initial] : []);

/** A file holding `bytes`, in a fresh folder. */
export async function file(bytes: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sb-upload-"));
  const path = join(dir, "data.bin");
  await writeFile(path, bytes);
  return path;
}

/** The request that starts a multipart upload, and S3's answer to it. */
export const isCreate = (req: Seen) => req.method === "POST" && req.url.searchParams.has("uploads");
export const initiated = (uploadId: string) =>
  response(
    200,
    `<InitiateMultipartUploadResult><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
  );
