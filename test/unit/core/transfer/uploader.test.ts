import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { Clock } from "../../../../src/core/clock.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import type { PresignRequest } from "../../../../src/core/presign.js";
import type { Role } from "../../../../src/core/roles.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import type { ResumeRecord, StateStore } from "../../../../src/core/transfer/state-store.js";
import type { TransferEvent } from "../../../../src/core/transfer/transfer-types.js";
import type { HttpResponse } from "../../../../src/core/transfer/transport.js";
import { uploadFile } from "../../../../src/core/transfer/upload.js";
import { SourceChangedError } from "../../../../src/core/transfer/upload-source.js";
import {
  file,
  initiated,
  isCreate,
  memoryStore,
  multipartS3,
  presigner,
  response,
  type Seen,
  SMALLEST_PARTS,
  scriptedTransport,
  uploadDeps,
} from "./upload-fixtures.js";

const sleeps: number[] = [];
const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) };
/** uploadDeps on the clock that records each wait. */
const deps: typeof uploadDeps = (transport, more) => uploadDeps(transport, { clock, ...more });

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("base64");

const LOST_SIZE = 11 * MiB;

/**
 * An 11 MiB multipart upload of "lost.bin" as `role` to an S3 that takes every
 * part and answers Complete with NoSuchUpload (as when its first answer was
 * lost); `then` answers the rest. What the upload ended with, and what S3 saw.
 */
async function uploadWithCompleteLost(
  role: Role,
  then: (req: Seen) => HttpResponse | undefined,
): Promise<{ error: unknown; transport: ReturnType<typeof multipartS3> }> {
  const path = await file(Buffer.alloc(LOST_SIZE, 3));
  const transport = multipartS3(
    "up-1",
    () => response(404, "<Error><Code>NoSuchUpload</Code><Message>gone</Message></Error>"),
    (req) => then(req) ?? response(500),
  );
  const error = await uploadFile(deps(transport, { role }), {
    path,
    key: "lost.bin",
    bucket: "b",
    ...SMALLEST_PARTS,
  }).catch((e: unknown) => e);
  return { error, transport };
}

describe("uploader (fake transport)", () => {
  it("a file below the multipart threshold goes in one PUT without touching the resume store", async () => {
    const data = Buffer.from("small file");
    const path = await file(data);
    const calls: string[] = [];
    const store = memoryStore();
    const counted =
      <A, R>(name: string, fn: (arg: A) => R) =>
      (arg: A): R => {
        calls.push(name);
        return fn(arg);
      };
    const counting: StateStore = {
      lock: counted("lock", store.lock),
      load: counted("load", store.load),
      save: counted("save", store.save),
      remove: counted("remove", store.remove),
    };
    const transport = scriptedTransport(() => response(200, "", { "x-amz-version-id": "v1" }));
    const result = await uploadFile(deps(transport, { stateStore: counting }), {
      path,
      key: "small.txt",
      bucket: "b",
    });
    expect(result).toMatchObject({ key: "small.txt", checksum: sha256(data), parts: 1 });
    expect(transport.seen).toHaveLength(1);
    expect(calls).toEqual([]);
  });

  it("retries a 503 SlowDown with backoff, re-signing each attempt, and counts progress once", async () => {
    const data = Buffer.from("hello strongbox");
    const path = await file(data);
    const signed: PresignRequest[] = [];
    const transport = scriptedTransport((_req, i) =>
      i === 0
        ? response(
            503,
            "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>",
          )
        : response(200, "", { "x-amz-version-id": "v1", etag: '"e"' }),
    );
    const events: TransferEvent[] = [];
    sleeps.length = 0;
    const result = await uploadFile(
      deps(transport, {
        presigner: presigner(signed),
        onEvent: (e) => events.push(e),
        random: () => 0.5,
      }),
      { path, key: "greeting.txt", bucket: "b" },
    );
    expect(result).toMatchObject({
      key: "greeting.txt",
      versionId: "v1",
      size: data.length,
      checksum: sha256(data),
    });
    expect(transport.seen).toHaveLength(2);
    expect(signed).toHaveLength(2);
    expect(sleeps).toEqual([125]);
    for (const req of transport.seen) {
      expect(req.method).toBe("PUT");
      expect(req.headers["x-amz-checksum-sha256"]).toBe(sha256(data));
      expect(req.body.equals(data)).toBe(true);
    }
    const bytes = events
      .filter((e) => e.type === "bytes")
      .reduce((s, e) => s + (e.type === "bytes" ? e.delta : 0), 0);
    expect(bytes).toBe(data.length);
  });

  it("does not retry AccessDenied and names the roles that may upload", async () => {
    const path = await file(Buffer.from("x"));
    const transport = scriptedTransport(() =>
      response(403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
    );
    const error = await uploadFile(deps(transport, { role: "viewer" }), {
      path,
      key: "k",
      bucket: "b",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error).toMatchObject({ kind: "access-denied", exitCode: 3 });
    expect((error as StrongboxError).message).toBe(
      "access denied: role viewer may not PutObject on s3://b/k; uploader or admin can.",
    );
    expect(transport.seen).toHaveLength(1);
  });

  it("maps an expired session token to a credentials error (exit 5)", async () => {
    const path = await file(Buffer.from("x"));
    const transport = scriptedTransport(() =>
      response(
        400,
        "<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>",
      ),
    );
    await expect(
      uploadFile(deps(transport), { path, key: "k", bucket: "b" }),
    ).rejects.toMatchObject({ kind: "credentials", exitCode: 5 });
  });

  it("multipart: Complete says NoSuchUpload and HEAD shows another object: a clear failure, not success or 'not found'", async () => {
    const { error, transport } = await uploadWithCompleteLost("admin", (req) =>
      req.method === "HEAD"
        ? response(200, "", {
            "content-length": String(LOST_SIZE),
            "x-amz-checksum-sha256": "c29tZW9uZSBlbHNlJ3Mgb2JqZWN0IGNoZWNrc3VtIQ==-3",
          })
        : undefined,
    );
    expect(error).toBeInstanceOf(StrongboxError);
    expect((error as StrongboxError).message).toBe(
      'The upload of "lost.bin" was not completed: S3 answered NoSuchUpload, and the object under that key is not this file.',
    );
    expect(transport.seen.filter((r) => r.method === "HEAD")).toHaveLength(1);
  });

  it("multipart: an Uploader whose Complete says NoSuchUpload while ListParts still lists the upload fails (S3 did not complete it)", async () => {
    const { error, transport } = await uploadWithCompleteLost("uploader", (req) =>
      req.method === "GET" ? response(200, "<ListPartsResult></ListPartsResult>") : undefined,
    );
    expect((error as StrongboxError).message).toMatch(/was not completed/);
    expect(transport.seen.some((r) => r.method === "HEAD")).toBe(false);
  });

  it("multipart: declares SHA256, sends each part with its checksum, completes in order with the composite", async () => {
    const data = Buffer.alloc(12 * MiB, 7);
    data.fill(9, 5 * MiB);
    const path = await file(data);
    const transport = multipartS3("up-1", () =>
      response(
        200,
        "<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>",
        {
          "x-amz-version-id": "v9",
        },
      ),
    );
    const store = memoryStore();
    const result = await uploadFile(deps(transport, { stateStore: store }), {
      path,
      key: "big.bin",
      bucket: "b",
      ...SMALLEST_PARTS,
      concurrency: 3,
    });
    const create = transport.seen[0];
    expect(create?.headers["x-amz-checksum-algorithm"]).toBe("SHA256");
    const parts = transport.seen.filter((r) => r.method === "PUT");
    expect(parts.map((p) => p.url.searchParams.get("partNumber")).sort()).toEqual(["1", "2", "3"]);
    const digests: Buffer[] = [];
    for (const [i, size] of [5 * MiB, 5 * MiB, 2 * MiB].entries()) {
      const slice = data.subarray(i * 5 * MiB, i * 5 * MiB + size);
      const part = parts.find((p) => p.url.searchParams.get("partNumber") === String(i + 1));
      expect(part?.headers["x-amz-checksum-sha256"]).toBe(sha256(slice));
      expect(part?.headers["content-length"]).toBe(String(size));
      expect(part?.body.equals(slice)).toBe(true);
      digests.push(createHash("sha256").update(slice).digest());
    }
    const complete = transport.seen.at(-1);
    expect(complete?.body.toString()).toMatch(
      /<Part><PartNumber>1<\/PartNumber><ETag>&quot;etag-1&quot;<\/ETag><ChecksumSHA256>.*<Part><PartNumber>2<.*<Part><PartNumber>3</,
    );
    const composite = `${createHash("sha256").update(Buffer.concat(digests)).digest("base64")}-3`;
    expect(result).toMatchObject({
      versionId: "v9",
      checksum: composite,
      checksumType: "COMPOSITE",
      parts: 3,
    });
    expect(store.records.size).toBe(0);
  });

  it("resume: trusts the parts ListParts confirms, re-sends the rest, and uses the same upload id", async () => {
    const data = Buffer.alloc(11 * MiB, 3);
    const path = await file(data);
    const { stat } = await import("node:fs/promises");
    const info = await stat(path);
    const part1 = data.subarray(0, 5 * MiB);
    const record: ResumeRecord = {
      version: 1,
      path,
      size: data.length,
      mtimeMs: info.mtimeMs,
      bucket: "b",
      key: "big.bin",
      uploadId: "up-old",
      partSize: 5 * MiB,
      // The record claims part 2 too, but S3 doesn't have it: S3 wins.
      parts: [
        { number: 1, size: 5 * MiB, etag: '"p1"', checksumSha256: sha256(part1) },
        { number: 2, size: 5 * MiB, etag: '"p2"', checksumSha256: "stale" },
      ],
      createdAt: new Date().toISOString(),
    };
    const transport = scriptedTransport((req) => {
      if (req.method === "GET") {
        return response(
          200,
          `<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>&quot;p1&quot;</ETag><Size>${5 * MiB}</Size><ChecksumSHA256>${sha256(part1)}</ChecksumSHA256></Part></ListPartsResult>`,
        );
      }
      if (req.method === "PUT")
        return response(200, "", { etag: `"new-${req.url.searchParams.get("partNumber")}"` });
      if (req.method === "POST") return response(200, "<CompleteMultipartUploadResult/>");
      return response(500);
    });
    const result = await uploadFile(deps(transport, { stateStore: memoryStore(record) }), {
      path,
      key: "big.bin",
      bucket: "b",
      resume: true,
    });
    expect(
      transport.seen.some((r) => r.method === "POST" && r.url.searchParams.has("uploads")),
    ).toBe(false);
    const sent = transport.seen.filter((r) => r.method === "PUT");
    expect(sent.map((r) => r.url.searchParams.get("partNumber")).sort()).toEqual(["2", "3"]);
    expect(sent.every((r) => r.url.searchParams.get("uploadId") === "up-old")).toBe(true);
    expect(transport.seen.at(-1)?.body.toString()).toContain("<ETag>&quot;p1&quot;</ETag>");
    expect(result.parts).toBe(3);
  });

  it("refuses a file that changed between the checksum pass and the send", async () => {
    const path = await file(Buffer.alloc(6 * MiB, 1));
    const transport = scriptedTransport((req) => {
      if (isCreate(req)) return initiated("up-2");
      return response(204);
    });
    let changed = false;
    const onEvent = async (e: TransferEvent) => {
      if (e.type === "file-start" && !changed) {
        changed = true;
        await writeFile(path, Buffer.alloc(7 * MiB, 2));
      }
    };
    const attempt = uploadFile(deps(transport, { onEvent: (e) => void onEvent(e) }), {
      path,
      key: "moving.bin",
      bucket: "b",
      ...SMALLEST_PARTS,
    });
    const error = await attempt.catch((e: unknown) => e);
    // A typed error (not a message to match): it carries no --resume hint.
    expect(error).toBeInstanceOf(SourceChangedError);
    expect((error as Error).message).toMatch(/changed during the upload/);
    expect((error as SourceChangedError).hint).toBe(
      "Upload it again once it is no longer being written.",
    );
    // The half-made upload is aborted.
    expect(
      transport.seen.some(
        (r) => r.method === "DELETE" && r.url.searchParams.get("uploadId") === "up-2",
      ),
    ).toBe(true);
  });

  it("stops cleanly, keeping the state for --resume, when the role session runs out mid-upload", async () => {
    const path = await file(Buffer.alloc(20 * MiB, 6));
    let t = 1_000_000;
    // Every look at the clock costs 10 s: the 90 s session ends after a few parts.
    const tickingClock: Clock = { now: () => (t += 10_000), sleep: async () => {} };
    const transport = scriptedTransport((req) => {
      if (isCreate(req)) return initiated("up-3");
      if (req.method === "PUT") return response(200, "", { etag: '"e"' });
      return response(500);
    });
    const store = memoryStore();
    const attempt = uploadFile(
      deps(transport, {
        stateStore: store,
        clock: tickingClock,
        sessionExpiresAt: new Date(t + 90_000),
      }),
      { path, key: "long.bin", bucket: "b", ...SMALLEST_PARTS, concurrency: 1 },
    );
    await expect(attempt).rejects.toMatchObject({ kind: "credentials" });
    await expect(attempt).rejects.toThrow(/about to expire/);
    expect(transport.seen.some((r) => r.method === "DELETE")).toBe(false);
    const [record] = [...store.records.values()];
    expect(record?.uploadId).toBe("up-3");
    expect(transport.seen.filter((r) => r.method === "PUT").length).toBeLessThan(4);
  });
});
