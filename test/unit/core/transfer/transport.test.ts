import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";
import { FileChangedError } from "../../../../src/core/transfer/checksum.js";
import { fileBodyFactory } from "../../../../src/core/transfer/file-body.js";
import {
  type CallContext,
  type S3RequestError,
  s3Call,
} from "../../../../src/core/transfer/s3-call.js";
import {
  createHttpTransport,
  ResponseTooLargeError,
  TEXT_LIMIT_BYTES,
  type Transport,
  TransportError,
} from "../../../../src/core/transfer/transport.js";

const servers: Array<{ close(): unknown }> = [];
const transports: Transport[] = [];

afterEach(async () => {
  for (const t of transports.splice(0)) await t.close();
  for (const s of servers.splice(0)) s.close();
});

function transport(options?: Parameters<typeof createHttpTransport>[0]): Transport {
  const t = createHttpTransport(options);
  transports.push(t);
  return t;
}

/** A raw TCP server: `onRequest` gets the socket once the request head has arrived. */
async function rawServer(onRequest: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("data", () => onRequest(socket));
  });
  servers.push({
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/object`;
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("the HTTP transport", () => {
  // 64 KiB is undici 7's default high-water mark: its parser paused exactly at
  // the end of the body, then the FIN crashed the process.
  test.each([64 * 1024, 2 * 1024 * 1024, 8 * 1024 * 1024])(
    "a server closing the connection while a %i-byte body waits for a slow reader loses nothing (nodejs/undici#5360)",
    async (size) => {
      const payload = Buffer.alloc(size, 0x61);
      const url = await rawServer((socket) => {
        socket.write(
          `HTTP/1.1 200 OK\r\nContent-Length: ${payload.length}\r\nConnection: close\r\n\r\n`,
        );
        socket.end(payload);
      });
      const res = await transport().send({ method: "GET", url, headers: {} });
      // The reader stalls long enough for the server's FIN to arrive behind a full buffer.
      await sleep(300);
      const body = await readAll(res.body);
      expect(body.length).toBe(payload.length);
      expect(createHash("sha256").update(body).digest("hex")).toBe(
        createHash("sha256").update(payload).digest("hex"),
      );
    },
  );

  test("a body cut short by the server fails as a network error, not as a short success", async () => {
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n");
      socket.end(Buffer.alloc(100_000));
    });
    const res = await transport().send({ method: "GET", url, headers: {} });
    const error = await failure(() => readAll(res.body));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("network");
  });

  test("a server that stops sending mid-body fails as a timeout", async () => {
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhalf");
    });
    const res = await transport({ idleTimeoutMs: 200 }).send({ method: "GET", url, headers: {} });
    const error = await failure(() => readAll(res.body));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("timeout");
  });

  test("a server that never answers fails as a timeout", async () => {
    const url = await rawServer(() => {});
    const error = await failure(() =>
      transport({ idleTimeoutMs: 200 }).send({ method: "GET", url, headers: {} }),
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("timeout");
  });

  test("a refused connection is a network error that names no URL", async () => {
    const url = await rawServer(() => {});
    servers.splice(0).forEach((s) => {
      s.close();
    });
    await sleep(50);
    const error = await failure(() =>
      transport().send({ method: "GET", url: `${url}?X-Amz-Signature=secret`, headers: {} }),
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("network");
    expect((error as Error).message).not.toContain("secret");
  });

  test("aborting mid-body fails as aborted", async () => {
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nsome");
    });
    const controller = new AbortController();
    const res = await transport().send({
      method: "GET",
      url,
      headers: {},
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(() => readAll(res.body));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe("aborted");
  });

  test("an error reading the request body reaches the caller unchanged", async () => {
    const url = await rawServer(() => {});
    const vanished = Object.assign(new Error("file gone"), { code: "ENOENT" });
    async function* chunks() {
      yield Buffer.alloc(1024);
      throw vanished;
    }
    const error = await failure(() =>
      transport().send({
        method: "PUT",
        url,
        headers: { "content-length": "4096" },
        body: Readable.from(chunks()),
      }),
    );
    expect(error).toBe(vanished);
  });

  test("discarding an empty response gives its connection back to the pool at once", async () => {
    const ports: number[] = [];
    const server = createHttpServer((req, res) => {
      ports.push(req.socket.remotePort ?? 0);
      req.resume();
      req.on("end", () => res.end());
    });
    servers.push({
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/part`;
    // One connection: the second request can only go once the first one's socket is free.
    const t = transport({ connections: 1 });
    for (let i = 0; i < 3; i++) {
      const res = await t.send({ method: "PUT", url, headers: {}, body: "x" });
      await res.discard();
    }
    expect(ports).toHaveLength(3);
    expect(new Set(ports).size).toBe(1);
  });

  test("one abort cancels every request sharing the signal, with one listener on it", async () => {
    const url = await rawServer(() => {});
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const t = transport({ connections: 32 });
      const pending = Array.from({ length: 20 }, () =>
        failure(() => t.send({ method: "GET", url, headers: {}, signal: controller.signal })),
      );
      await sleep(100);
      controller.abort();
      for (const error of await Promise.all(pending)) {
        expect(error).toBeInstanceOf(TransportError);
        expect((error as TransportError).kind).toBe("aborted");
      }
      await sleep(10);
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  test("a streamed PUT arrives whole with its content-length, and the connection is reused", async () => {
    const received: Array<{ length: string | undefined; bytes: number; port: number }> = [];
    const server = createHttpServer(async (req, res) => {
      const body = await readAll(req);
      received.push({
        length: req.headers["content-length"],
        bytes: body.length,
        port: req.socket.remotePort ?? 0,
      });
      res.end("ok");
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k`;
    const t = transport({ connections: 1 });
    for (let i = 0; i < 2; i++) {
      const res = await t.send({
        method: "PUT",
        url,
        headers: { "content-length": String(3 * 65536) },
        body: Readable.from([Buffer.alloc(65536), Buffer.alloc(65536), Buffer.alloc(65536)]),
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok");
    }
    expect(received.map((r) => [r.length, r.bytes])).toEqual([
      ["196608", 196608],
      ["196608", 196608],
    ]);
    expect(received[0]?.port).toBe(received[1]?.port);
    server.closeAllConnections();
  });

  test("a file body sent from reused buffers arrives byte for byte; a file that shrank fails as itself", async () => {
    const digests: string[] = [];
    const server = createHttpServer(async (req, res) => {
      const body = await readAll(req).catch(() => Buffer.alloc(0));
      digests.push(createHash("sha256").update(body).digest("hex"));
      res.end("ok");
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k`;
    const dir = await mkdtemp(join(tmpdir(), "sb-body-"));
    const path = join(dir, "f.bin");
    const data = Buffer.alloc(1024 * 1024 + 12345);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 253;
    await writeFile(path, data);
    const t = transport({ connections: 1 });
    let progress = 0;
    const start = 777;
    const size = data.length - start;
    const body = fileBodyFactory(path, start, size, (d) => {
      progress += d;
    });
    const res = await t.send({
      method: "PUT",
      url,
      headers: { "content-length": String(size) },
      body: body(),
    });
    expect(await res.text()).toBe("ok");
    expect(digests).toEqual([createHash("sha256").update(data.subarray(start)).digest("hex")]);
    expect(progress).toBe(size);

    await writeFile(path, data.subarray(0, 100_000)); // the file shrinks before a retry
    const failed = await t
      .send({ method: "PUT", url, headers: { "content-length": String(size) }, body: body() })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(FileChangedError);
    server.closeAllConnections();
  });
});

describe("hostile answers: text() is capped", () => {
  test("an endless chunked error body is refused at the cap, not read into memory", async () => {
    let sent = 0;
    const url = await rawServer((socket) => {
      socket.write("HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n");
      const chunk = Buffer.alloc(64 * 1024, 0x3c);
      const pump = () => {
        while (!socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`)) {
            socket.once("drain", pump);
            return;
          }
        }
      };
      pump();
    });
    const res = await transport().send({ method: "GET", url, headers: {} });
    const error = await failure(() => res.text());
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as Error).message).toMatch(/larger than 4 MiB/);
    // It stopped near the cap (plus what the socket buffers held), not at the end of an endless stream.
    expect(sent).toBeLessThan(64 * TEXT_LIMIT_BYTES);
  });

  test("a Content-Length above the cap is refused before reading", async () => {
    const url = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TEXT_LIMIT_BYTES + 1}\r\n\r\n<x>`);
    });
    const res = await transport().send({ method: "GET", url, headers: {} });
    expect(await failure(() => res.text())).toBeInstanceOf(ResponseTooLargeError);
  });
});

describe("refused HEADs give their connection back", () => {
  test("with one connection, twenty HEADs answered 404 (or 403) all complete, through s3Call", async () => {
    const server = createHttpServer((req, res) => {
      res.writeHead(req.url?.includes("denied") ? 403 : 404, { "content-length": "0" });
      res.end();
    });
    servers.push(server);
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ctx: CallContext = {
      presigner: {
        sign: async (req) => ({ url: `${base}/${req.key}`, headers: {}, expiresAt: new Date(0) }),
      },
      transport: transport({ connections: 1 }),
      clock: { now: () => Date.now(), sleep: async () => {} },
    };
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        s3Call(
          ctx,
          {
            op: { action: "HeadObject", key: `k${i}`, doing: "read" },
            method: "HEAD",
            key: i % 2 ? `denied/k${i}` : `k${i}`,
          },
          async () => 200,
        ).catch((error: S3RequestError) => error.status),
      ),
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? 403 : 404)));
  }, 20_000);
});
