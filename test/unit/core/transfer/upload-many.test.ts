import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdir, mkdtemp, symlink, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Presigner } from "../../../../src/core/presign.js";
import type { StateStore } from "../../../../src/core/transfer/state-store.js";
import type { TransferEvent } from "../../../../src/core/transfer/transfer-types.js";
import { createHttpTransport, type Transport } from "../../../../src/core/transfer/transport.js";
import { BatchUploadError, uploadPaths } from "../../../../src/core/transfer/upload-many.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A local HTTP server standing in for S3's PUT: `answer` decides per key; `received` holds each body's SHA-256. */
async function bucketServer(answer: (key: string) => { status: number; body?: string }): Promise<{
  presigner: Presigner;
  transport: Transport;
  keys: string[];
  received: Map<string, string>;
}> {
  const keys: string[] = [];
  const received = new Map<string, string>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const hash = createHash("sha256");
    req.on("data", (chunk: Buffer) => hash.update(chunk));
    req.on("end", () => {
      const key = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1));
      keys.push(key);
      received.set(key, hash.digest("base64"));
      const { status, body = "" } = answer(key);
      // Answered a little later, so that several files are in flight at once.
      setTimeout(() => {
        res.writeHead(status, status < 300 ? { "x-amz-version-id": `v-${key}` } : {});
        res.end(body);
      }, 2);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const transport = createHttpTransport();
  cleanups.push(async () => {
    await transport.close();
    server.closeAllConnections();
    server.close();
  });
  const presigner: Presigner = {
    async sign(req) {
      return {
        url: `${base}/${encodeURIComponent(req.key ?? "")}`,
        headers: { ...(req.headers ?? {}) },
        expiresAt: new Date(Date.now() + 900_000),
      };
    },
  };
  return { presigner, transport, keys, received };
}

const noState: StateStore = {
  lock: async () => ({ release: async () => {} }),
  load: async () => undefined,
  save: async () => {},
  remove: async () => {},
};

async function folder(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "sb-many-"));
  await mkdir(join(root, "docs"));
  await writeFile(join(root, "docs", "a.txt"), "alpha");
  await writeFile(join(root, "docs", "b.txt"), "bravo");
  await writeFile(join(root, "docs", "c.txt"), "charlie");
  await symlink(join(root, "docs", "a.txt"), join(root, "docs", "link.txt"));
  return join(root, "docs");
}

const denied = {
  status: 403,
  body: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>",
};

describe("uploading a folder", () => {
  it("goes on past a file S3 refuses, reports every failure with what did upload, and names skipped links", async () => {
    const dir = await folder();
    const s3 = await bucketServer((key) =>
      key === "docs/b.txt"
        ? { status: 400, body: "<Error><Code>BadDigest</Code><Message>x</Message></Error>" }
        : { status: 200 },
    );
    const events: TransferEvent[] = [];
    const error = await uploadPaths(
      { ...s3, role: "uploader", stateStore: noState, onEvent: (e) => events.push(e) },
      { paths: [dir], prefix: "docs/", bucket: "b", concurrency: 1 },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BatchUploadError);
    const batch = error as BatchUploadError;
    expect(batch.uploaded.map((u) => u.key)).toEqual(["docs/a.txt", "docs/c.txt"]);
    expect(batch.failed.map((f) => f.key)).toEqual(["docs/b.txt"]);
    expect(batch.notStarted).toEqual([]);
    expect(batch.exitCode).toBe(1);
    expect(batch.message).toMatch(/^1 of 3 files were not uploaded \(.*b\.txt: S3 refused/);
    expect(s3.keys.sort()).toEqual(["docs/a.txt", "docs/b.txt", "docs/c.txt"]);
    const notes = events.flatMap((e) => (e.type === "note" ? [e.message] : []));
    expect(notes).toEqual([
      `Skipped ${join(dir, "link.txt")}: a symbolic link, not followed (not uploaded; only regular files are).`,
    ]);
  });

  it("stops starting files once S3 says the role may not upload, and says which were never tried", async () => {
    const dir = await folder();
    const s3 = await bucketServer(() => denied);
    const error = await uploadPaths(
      { ...s3, role: "viewer", stateStore: noState },
      { paths: [dir], bucket: "b", concurrency: 1, files: 1 },
    ).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BatchUploadError);
    const batch = error as BatchUploadError;
    expect(s3.keys).toHaveLength(1);
    expect(batch.failed).toHaveLength(1);
    expect(batch.notStarted).toHaveLength(2);
    expect(batch.exitCode).toBe(3);
    expect(batch.message).toMatch(
      /^3 of 3 files were not uploaded \(.*role viewer may not PutObject.*; 2 not started\)\.$/,
    );
  });

  it("a single file's failure is reported as itself, not as a batch", async () => {
    const dir = await folder();
    const s3 = await bucketServer(() => denied);
    const error = await uploadPaths(
      { ...s3, role: "viewer", stateStore: noState },
      { paths: [join(dir, "a.txt")], bucket: "b" },
    ).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BatchUploadError);
    expect((error as Error).message).toBe(
      "access denied: role viewer may not PutObject on s3://b/a.txt; uploader or admin can.",
    );
  });
});

describe("a batch of files read whole", () => {
  it("sends each file's own bytes while the batch reuses its buffers", async () => {
    const root = await mkdtemp(join(tmpdir(), "sb-many-"));
    const want = new Map<string, string>();
    for (let i = 0; i < 40; i++) {
      // Sizes that change from file to file, up to the 1 MiB read whole.
      const data = randomBytes(((i * 7919) % 1024) * 1024 + (i % 3));
      await writeFile(join(root, `f${i}.bin`), data);
      want.set(`many/f${i}.bin`, createHash("sha256").update(data).digest("base64"));
    }
    const s3 = await bucketServer(() => ({ status: 200 }));
    const results = await uploadPaths(
      { ...s3, role: "uploader", stateStore: noState },
      { paths: [root], prefix: "many/", bucket: "b", files: 4 },
    );
    expect(results).toHaveLength(40);
    expect(new Map([...s3.received].sort())).toEqual(new Map([...want].sort()));
    for (const r of results) expect(r.checksum).toBe(want.get(r.key));
  });
});
