import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import type { Clock } from "../../../../src/core/clock.js";
import type { Presigner, PresignRequest } from "../../../../src/core/presign.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import {
  createMemoryStateStore,
  type ResumeRecord,
} from "../../../../src/core/transfer/state-store.js";
import type { TransferDeps } from "../../../../src/core/transfer/transfer-types.js";
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

/**
 * S3's side of one multipart upload: it starts upload `uploadId`, takes every
 * part (ETag "etag-N"), answers Complete with `complete`, and any other
 * request (an abort, a HEAD) with `rest`.
 */
export function multipartS3(
  uploadId: string,
  complete: (req: Seen) => HttpResponse,
  rest: (req: Seen) => HttpResponse = () => response(500),
): Transport & { seen: Seen[] } {
  return scriptedTransport((req) => {
    if (isCreate(req)) return initiated(uploadId);
    if (req.method === "PUT")
      return response(200, "", { etag: `"etag-${req.url.searchParams.get("partNumber")}"` });
    if (req.method === "POST") return complete(req);
    return rest(req);
  });
}

/** Upload options that send a file over 5 MiB (S3's smallest part size) in 5 MiB parts. */
export const SMALLEST_PARTS = { partSize: 5 * MiB, threshold: 5 * MiB } as const;

/** A clock that never waits: retries run at once. */
export const instantClock: Clock = { now: () => Date.now(), sleep: async () => {} };

/**
 * What uploadFile and uploadPaths take, on a scripted S3: URLs from
 * `presigner([])`, resume records in memory, retries without waiting; `more`
 * replaces any of them (or adds a role, events, a session end).
 */
export const uploadDeps = (
  transport: Transport,
  more: Partial<TransferDeps> = {},
): TransferDeps => ({
  presigner: presigner([]),
  transport,
  stateStore: memoryStore(),
  clock: instantClock,
  ...more,
});
