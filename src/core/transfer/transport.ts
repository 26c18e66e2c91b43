import type { Readable } from "node:stream";
import { Agent, request } from "undici";

/** One HTTP exchange; the URL is pre-signed, so the transport holds no secret. */
export interface HttpRequest {
  method: "GET" | "PUT" | "HEAD" | "POST" | "DELETE";
  url: string;
  headers: Record<string, string>;
  body?: Readable | Uint8Array | string;
  signal?: AbortSignal;
  /**
   * Bytes of response body to buffer before pausing the socket. Downloads set it
   * to the range they expect: undici 7 crashes (an uncatchable assertion,
   * nodejs/undici#5360, fixed only in undici 8) when a server closes a socket
   * whose parser is paused by back-pressure, as moto does after each response.
   */
  responseBufferBytes?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Drain and discard the body (frees the connection). */
  discard(): Promise<void>;
}

export interface Transport {
  send(req: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

/** Error from the transport when no response arrived; `kind` feeds the retry policy. */
export class TransportError extends Error {
  readonly kind: "network" | "timeout" | "aborted";
  constructor(kind: "network" | "timeout" | "aborted", message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "TransportError";
    this.kind = kind;
  }
}

export interface UndiciTransportOptions {
  /** Connections kept per origin (≥ the number of requests in flight). */
  connections?: number;
  connectTimeoutMs?: number;
  /** Time without a byte of response headers / body before an attempt fails. */
  idleTimeoutMs?: number;
}

/** The real transport: undici with a keep-alive pool. */
export function createUndiciTransport(options: UndiciTransportOptions = {}): Transport {
  const idle = options.idleTimeoutMs ?? 120_000;
  const agent = new Agent({
    connections: options.connections ?? 16,
    keepAliveTimeout: 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 15_000 },
    headersTimeout: idle,
    bodyTimeout: idle,
  });
  return {
    async send(req) {
      try {
        const res = await request(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body ?? null,
          signal: req.signal,
          dispatcher: agent,
          ...(req.responseBufferBytes
            ? { highWaterMark: Math.max(64 * 1024, req.responseBufferBytes) }
            : {}),
        });
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
        }
        return {
          status: res.statusCode,
          headers,
          body: res.body,
          text: () => res.body.text().catch((e) => Promise.reject(classify(e, req.signal))),
          discard: () => res.body.dump().then(() => undefined),
        };
      } catch (error) {
        throw classify(error, req.signal);
      }
    },
    close: () => agent.close(),
  };
}

/** Maps undici / socket errors to a TransportError, never echoing the (signed) URL. */
export function classify(error: unknown, signal?: AbortSignal): Error {
  if (error instanceof TransportError) return error;
  if (signal?.aborted) return new TransportError("aborted", "The transfer was interrupted.", error);
  const code = (error as { code?: string } | undefined)?.code ?? "";
  const name = (error as { name?: string } | undefined)?.name ?? "";
  if (name === "AbortError")
    return new TransportError("aborted", "The transfer was interrupted.", error);
  if (/TIMEOUT|ETIMEDOUT/.test(code)) {
    return new TransportError("timeout", `The server did not answer in time (${code}).`, error);
  }
  if (code !== "" || name === "SocketError" || error instanceof TypeError) {
    return new TransportError("network", `Network error (${code || name}).`, error);
  }
  return error instanceof Error ? error : new Error(String(error));
}
