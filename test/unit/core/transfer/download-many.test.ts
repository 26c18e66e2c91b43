import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BatchDownloadError, downloadPrefix } from "../../../../src/core/transfer/download-many.js";
import type {
  HttpRequest,
  HttpResponse,
  Transport,
} from "../../../../src/core/transfer/transport.js";
import { clock, objectTransport, presigner, sha256, workdir } from "./download-fixtures.js";

/** Several objects by key; `stored` is the checksum S3 reports (default: the bytes' SHA-256). */
function bucket(
  objects: Record<string, { data: Buffer; stored?: string | null; sent?: Buffer }>,
): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const answer = (status: number, body: Buffer, headers: Record<string, string>): HttpResponse => ({
    status,
    headers,
    body: Readable.from([body]),
    text: async () => body.toString(),
    discard: async () => {},
  });
  return {
    requests,
    async send(req) {
      requests.push(req);
      const key = decodeURIComponent(new URL(req.url).pathname.slice(1));
      const object = objects[key];
      if (!object) return answer(404, Buffer.from("<Error><Code>NoSuchKey</Code></Error>"), {});
      const stored = object.stored === undefined ? sha256(object.data) : object.stored;
      const headers: Record<string, string> = {
        "content-length": String(object.data.length),
        etag: '"0123456789abcdef0123456789abcdef"',
        "x-amz-version-id": "v1",
        "x-amz-server-side-encryption": "aws:kms",
        // S3 sends the checksum only when asked for it.
        ...(stored && req.headers["x-amz-checksum-mode"] === "ENABLED"
          ? { "x-amz-checksum-sha256": stored }
          : {}),
      };
      if (req.method === "HEAD") return answer(200, Buffer.alloc(0), headers);
      return answer(200, object.sent ?? object.data, headers);
    },
    close: async () => {},
  };
}

const listed = (objects: Record<string, { data: Buffer }>) =>
  Object.entries(objects).map(([key, o]) => ({ key, size: o.data.length }));

describe("prefix download of small objects (sizes from the listing)", () => {
  it("fetches each with one GET asking for its checksum, no HEAD, and verifies it", async () => {
    const objects = {
      "p/a.txt": { data: Buffer.from("alpha") },
      "p/sub/b.txt": { data: Buffer.from("bravo, a little longer") },
      "p/empty": { data: Buffer.alloc(0) },
    };
    const transport = bucket(objects);
    const dir = await workdir();
    const results = await downloadPrefix(
      { presigner, transport, clock },
      { bucket: "b", prefix: "p/", out: `${dir}/`, objects: listed(objects) },
    );
    expect(results.map((r) => [r.key, r.verified])).toEqual([
      ["p/a.txt", "sha256"],
      ["p/sub/b.txt", "sha256"],
      ["p/empty", "sha256"],
    ]);
    expect(transport.requests.map((r) => r.method)).toEqual(["GET", "GET", "GET"]);
    expect(transport.requests.every((r) => r.headers["x-amz-checksum-mode"] === "ENABLED")).toBe(
      true,
    );
    expect(await readFile(join(dir, "sub", "b.txt"), "utf8")).toBe("bravo, a little longer");
    expect((await readdir(dir)).sort()).toEqual(["a.txt", "empty", "sub"]);
  });

  it("stays fail-closed: bytes that differ from S3's checksum leave no file", async () => {
    const objects = {
      "p/bad.txt": { data: Buffer.from("the real bytes"), sent: Buffer.from("the fake bytes") },
    };
    const dir = await workdir();
    const error = await downloadPrefix(
      { presigner, transport: bucket(objects), clock },
      { bucket: "b", prefix: "p/", out: `${dir}/`, objects: listed(objects) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchDownloadError);
    expect((error as BatchDownloadError).failed[0]?.error.message).toMatch(
      /do not match S3's SHA-256/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it("under --require-checksum, an object S3 holds no checksum for is refused", async () => {
    const objects = { "p/plain.txt": { data: Buffer.from("no checksum"), stored: null } };
    const dir = await workdir();
    const error = await downloadPrefix(
      { presigner, transport: bucket(objects), clock },
      {
        bucket: "b",
        prefix: "p/",
        out: `${dir}/`,
        objects: listed(objects),
        requireChecksum: true,
      },
    ).catch((e: unknown) => e);
    expect((error as BatchDownloadError).failed[0]?.error.message).toMatch(/--require-checksum/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("prefix download of large objects", () => {
  it("shares one limit of requests in flight among its files' ranges", async () => {
    // Three objects of two 16 MiB ranges each, 2 ranges a file, 3 files at once: 6
    // requests could be in flight; the batch allows max(2, min(3, 3)) = 3.
    const data = Buffer.alloc(17 * 1024 * 1024, 7);
    const inner = objectTransport(data, { checksum: sha256(data) });
    let active = 0;
    let peak = 0;
    const transport: Transport = {
      async send(req) {
        if (req.method !== "GET") return inner.send(req);
        active++;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const res = await inner.send(req);
        (res.body as Readable).once("close", () => active--);
        return res;
      },
      close: async () => {},
    };
    const objects = ["p/a", "p/b", "p/c"].map((key) => ({ key, size: data.length }));
    const dir = await workdir();
    const results = await downloadPrefix(
      { presigner, transport, clock },
      { bucket: "b", prefix: "p/", out: `${dir}/`, objects, concurrency: 2, files: 3 },
    );
    expect(results).toHaveLength(3);
    expect(peak).toBe(3);
    expect((await readFile(join(dir, "c"))).equals(data)).toBe(true);
  });
});
