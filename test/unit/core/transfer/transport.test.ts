import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
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
import { closeAll, rawServer, readAll, servers, transport } from "./transport-fixtures.js";

/**
 * Bodies arrive whole both ways (a slow reader, a streamed PUT, a file body from
 * reused buffers) and answers give their connection back to the pool. How each
 * failure surfaces is in transport-failures.test.ts.
 */
afterEach(closeAll);

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
