import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, test } from "vitest";
import {
  ResponseTooLargeError,
  TEXT_LIMIT_BYTES,
  TransportError,
} from "../../../../src/core/transfer/transport.js";
import { closeAll, failure, rawServer, readAll, servers, transport } from "./transport-fixtures.js";

/**
 * How the HTTP transport fails: each broken, silent, refused or aborted exchange
 * as its own kind of TransportError, the request body's own error unchanged, and
 * hostile answers capped by text(). Bodies that arrive whole are in transport.test.ts.
 */
afterEach(closeAll);

describe("the HTTP transport", () => {
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
