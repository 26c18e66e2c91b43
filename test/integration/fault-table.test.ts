import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { StrongboxError } from "../../src/core/errors.js";
import { createPresigner } from "../../src/core/presign.js";
import type { Role } from "../../src/core/roles.js";
import { createCrc } from "../../src/core/transfer/crc.js";
import { downloadObject } from "../../src/core/transfer/download.js";
import { PARTIAL_SUFFIX } from "../../src/core/transfer/partial-file.js";
import type { RetryOptions } from "../../src/core/transfer/retry-policy.js";
import { createFileStateStore } from "../../src/core/transfer/state-store.js";
import {
  createHttpTransport,
  type HttpRequest,
  type Transport,
} from "../../src/core/transfer/transport.js";
import { type TransferEvent, uploadFile } from "../../src/core/transfer/upload.js";
import {
  LANE_REGION,
  type LaneCredentials,
  type MinioLane,
  startMinioLane,
} from "./support/minio.js";
import { type S3Shim, startS3Shim } from "./support/s3-shim.js";
import { startToxiproxy, type ToxicProxy, type Toxiproxy } from "./support/toxiproxy.js";

/*
 * The fault table: real faults on the wire (toxiproxy, or a small S3 shim for
 * S3's own error answers) between the transfer engine and a real S3 (MinIO).
 * Each row moves a multipart-sized file (3 parts of 5 MiB) up and down. The
 * outcome is either the same bytes, or a clear stop after the retry budget
 * that a later run (--resume) completes; never a partial object under the
 * final key, never a half file under the final download name.
 *
 * Timeouts are short (1.5 s without a byte) so a stall costs little time.
 */

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const SIZE = 2 * PART + 2 * MiB + 12_345;
const IDLE_MS = 1500;
const QUICK_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 400 };

let lane: MinioLane;
let toxiproxy: Toxiproxy;
let proxy: ToxicProxy;
let shim: S3Shim;
let work: string;
let source: string;
let sourceSha: string;
const sessions = {} as Record<Role, LaneCredentials & { expiration: Date }>;
let root: S3Client;
const SOURCE_KEY = "faults/source.bin";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** The CLI's transport, with a hook before each request (to time a fault) and a count of data requests. */
function countingTransport(
  onSend?: (req: HttpRequest, dataRequests: number) => Promise<void>,
  idleMs = IDLE_MS,
) {
  const inner = createHttpTransport({
    connections: 6,
    idleTimeoutMs: idleMs,
    connectTimeoutMs: IDLE_MS,
  });
  let dataRequests = 0;
  const transport: Transport = {
    async send(req) {
      const url = new URL(req.url);
      const data =
        (req.method === "PUT" && url.searchParams.has("partNumber")) ||
        (req.method === "GET" && !url.searchParams.has("uploadId"));
      if (data) dataRequests++;
      await onSend?.(req, dataRequests);
      return inner.send(req);
    },
    close: () => inner.close(),
  };
  return { transport, dataRequests: () => dataRequests };
}

interface Run {
  endpoint: string;
  role: Role;
  onSend?: (req: HttpRequest, dataRequests: number) => Promise<void>;
  /** Called once when the transferred bytes first reach `at`. */
  at?: number;
  fault?: () => Promise<void>;
  retry?: RetryOptions;
  idleMs?: number;
}

function depsFor(run: Run) {
  const counting = countingTransport(run.onSend, run.idleMs);
  const events: TransferEvent[] = [];
  let moved = 0;
  let fired = false;
  let faultDone: Promise<void> = Promise.resolve();
  const deps = {
    presigner: createPresigner({
      config: { ...lane.config(), endpoint: run.endpoint },
      credentials: sessions[run.role],
    }),
    role: run.role,
    transport: counting.transport,
    stateStore: createFileStateStore(join(work, "state")),
    sessionExpiresAt: sessions[run.role].expiration,
    retry: run.retry ?? QUICK_RETRY,
    onEvent: (event: TransferEvent) => {
      events.push(event);
      if (event.type !== "bytes") return;
      moved += Math.max(0, event.delta);
      if (!fired && run.fault && moved >= (run.at ?? 0)) {
        fired = true;
        faultDone = run.fault();
      }
    },
  };
  return {
    deps,
    events,
    /** Requests that carried data beyond the first try of each part or range. */
    retries: () => counting.dataRequests() - 3,
    dataRequests: counting.dataRequests,
    progressEvents: () => events.filter((e) => e.type === "bytes").length,
    finish: async () => {
      await faultDone;
      await counting.transport.close();
    },
  };
}

/** One row's observation, printed for the record (the report's fault table). */
function record(row: string, direction: string, observed: Record<string, unknown>) {
  console.log(`fault-table | ${row} | ${direction} | ${JSON.stringify(observed)}`);
}

async function upload(run: Run, key: string, resume = false) {
  const t = depsFor(run);
  const started = Date.now();
  try {
    const result = await uploadFile(t.deps, {
      bucket: lane.bucket,
      path: source,
      key,
      partSize: PART,
      threshold: PART,
      concurrency: 3,
      resume,
    });
    return {
      result,
      retries: t.retries(),
      dataRequests: t.dataRequests(),
      seconds: (Date.now() - started) / 1000,
      t,
    };
  } finally {
    await t.finish();
  }
}

async function download(run: Run, out: string) {
  const t = depsFor(run);
  const started = Date.now();
  try {
    const result = await downloadObject(t.deps, {
      bucket: lane.bucket,
      key: SOURCE_KEY,
      out,
      concurrency: 3,
    });
    return { result, retries: t.retries(), seconds: (Date.now() - started) / 1000, t };
  } finally {
    await t.finish();
  }
}

/** What S3 now holds under `key`, read straight from MinIO (no faults): its SHA-256. */
async function storedSha(key: string): Promise<string> {
  const out = join(work, `check-${randomBytes(4).toString("hex")}.bin`);
  const t = depsFor({ endpoint: lane.endpoint, role: "viewer" });
  try {
    const result = await downloadObject(t.deps, { bucket: lane.bucket, key, out, concurrency: 3 });
    expect(result.verified).toBe("composite-sha256");
    return sha256(await readFile(out));
  } finally {
    await t.finish();
    rmSync(out, { force: true });
  }
}

async function objectExists(key: string): Promise<boolean> {
  try {
    await root.send(new HeadObjectCommand({ Bucket: lane.bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === "NotFound") return false;
    throw error;
  }
}

const outPath = (name: string) => join(work, "out", `${name}.bin`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  lane = await startMinioLane();
  work = mkdtempSync(join(tmpdir(), "strongbox-faults-"));
  source = join(work, "source.bin");
  const data = randomBytes(SIZE);
  writeFileSync(source, data);
  sourceSha = sha256(data);
  for (const role of ["uploader", "viewer", "admin"] as const)
    sessions[role] = await lane.sessionFor(role);
  root = new S3Client({
    region: LANE_REGION,
    endpoint: lane.endpoint,
    forcePathStyle: true,
    credentials: lane.root,
  });
  toxiproxy = await startToxiproxy();
  proxy = await toxiproxy.proxy("minio", new URL(lane.endpoint).host);
  shim = await startS3Shim(lane.endpoint);
  // The object every download row fetches, put without faults.
  await upload({ endpoint: lane.endpoint, role: "uploader" }, SOURCE_KEY);
});

afterEach(async () => {
  await proxy?.reset();
  shim?.setRules([]);
});

afterAll(async () => {
  root?.destroy();
  await shim?.close();
  await toxiproxy?.stop();
  await lane?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Asserts a completed download: same bytes, verified, no partial left. */
async function expectDownloaded(out: string, result: { verified: string }) {
  expect(result.verified).toBe("composite-sha256");
  expect(sha256(await readFile(out))).toBe(sourceSha);
  expect(existsSync(`${out}${PARTIAL_SUFFIX}`)).toBe(false);
}

describe("fault table: connection reset in the middle of a part", () => {
  test("upload: a reset mid-part is retried and the object is the file", async () => {
    await proxy.addToxic("slow", "upstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const r = await upload(
      {
        endpoint: proxy.endpoint,
        role: "uploader",
        at: 4 * MiB,
        fault: async () => {
          await proxy.addToxic("reset", "upstream", {
            type: "reset_peer",
            attributes: { timeout: 0 },
          });
          await sleep(150);
          await proxy.removeToxic("reset");
        },
      },
      "faults/reset-mid-part.bin",
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    expect(await storedSha("faults/reset-mid-part.bin")).toBe(sourceSha);
    record("reset mid-part", "upload", { identical: true, retries: r.retries, seconds: r.seconds });
  });

  test("download: a reset mid-range is retried and the file is the object", async () => {
    await proxy.addToxic("slow", "downstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const out = outPath("reset-mid-part");
    const r = await download(
      {
        endpoint: proxy.endpoint,
        role: "viewer",
        at: 4 * MiB,
        fault: async () => {
          await proxy.addToxic("reset", "downstream", {
            type: "reset_peer",
            attributes: { timeout: 0 },
          });
          await sleep(150);
          await proxy.removeToxic("reset");
        },
      },
      out,
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    await expectDownloaded(out, r.result);
    record("reset mid-part", "download", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });
});

describe("fault table: connection reset in the middle of a response", () => {
  test("upload: the answers to parts S3 stored are lost to a reset; the parts are sent again", async () => {
    let armed = true;
    const r = await upload(
      {
        endpoint: proxy.endpoint,
        role: "uploader",
        // Every part's body has been handed to the socket: answers are on their way.
        at: SIZE,
        fault: () =>
          proxy.addToxic("reset", "downstream", { type: "reset_peer", attributes: { timeout: 0 } }),
        onSend: async (_req, n) => {
          if (armed && n > 3) {
            armed = false;
            await proxy.removeToxic("reset").catch(() => {});
          }
        },
      },
      "faults/reset-mid-response.bin",
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    expect(await storedSha("faults/reset-mid-response.bin")).toBe(sourceSha);
    record("reset mid-response", "upload", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });

  test("download: each response is cut after 1 MiB until a retry; the file is the object", async () => {
    await proxy.addToxic("cut", "downstream", { type: "limit_data", attributes: { bytes: MiB } });
    let armed = true;
    const out = outPath("reset-mid-response");
    const r = await download(
      {
        endpoint: proxy.endpoint,
        role: "viewer",
        onSend: async (_req, n) => {
          if (armed && n > 3) {
            armed = false;
            await proxy.removeToxic("cut");
          }
        },
      },
      out,
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    await expectDownloaded(out, r.result);
    record("reset mid-response", "download", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });
});

describe("fault table: a stalled connection", () => {
  const stallThenRetry = (stream: "upstream" | "downstream") => {
    let armed = true;
    return {
      at: 4 * MiB,
      fault: () => proxy.addToxic("stall", stream, { type: "timeout", attributes: { timeout: 0 } }),
      onSend: async (_req: HttpRequest, n: number) => {
        if (armed && n > 3) {
          armed = false;
          await proxy.removeToxic("stall");
        }
      },
    };
  };

  test("upload: the idle timeout fires and the part is retried", async () => {
    await proxy.addToxic("slow", "upstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const r = await upload(
      { endpoint: proxy.endpoint, role: "uploader", ...stallThenRetry("upstream") },
      "faults/stalled.bin",
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    expect(await storedSha("faults/stalled.bin")).toBe(sourceSha);
    record("stalled connection", "upload", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });

  test("download: the idle timeout fires and the range is retried", async () => {
    await proxy.addToxic("slow", "downstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const out = outPath("stalled");
    const r = await download(
      { endpoint: proxy.endpoint, role: "viewer", ...stallThenRetry("downstream") },
      out,
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    await expectDownloaded(out, r.result);
    record("stalled connection", "download", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });
});

describe("fault table: a slow link", () => {
  test("upload: progress keeps moving and nothing times out", async () => {
    await proxy.addToxic("slow", "upstream", { type: "bandwidth", attributes: { rate: 1500 } });
    // The idle timer can't see bytes still queued in the socket buffers (several MiB on
    // loopback, plus the proxy's): after a part's last write it waits while they drain at
    // the link's pace. So the upload's timeout is longer than a part takes at that pace.
    const r = await upload(
      { endpoint: proxy.endpoint, role: "uploader", idleMs: 10_000 },
      "faults/slow.bin",
    );
    expect(r.retries).toBe(0);
    expect(r.t.progressEvents()).toBeGreaterThan(20);
    expect(await storedSha("faults/slow.bin")).toBe(sourceSha);
    record("slow link", "upload", { identical: true, retries: r.retries, seconds: r.seconds });
  });

  test("download: progress keeps moving and nothing times out", async () => {
    await proxy.addToxic("slow", "downstream", { type: "bandwidth", attributes: { rate: 1500 } });
    const out = outPath("slow");
    const r = await download({ endpoint: proxy.endpoint, role: "viewer" }, out);
    expect(r.retries).toBe(0);
    expect(r.t.progressEvents()).toBeGreaterThan(20);
    await expectDownloaded(out, r.result);
    record("slow link", "download", { identical: true, retries: r.retries, seconds: r.seconds });
  });
});

describe("fault table: the server restarts in the middle of a transfer", () => {
  const patient: RetryOptions = { maxAttempts: 15, baseDelayMs: 200, maxDelayMs: 1500 };

  test("upload: parts cut by the restart are retried once MinIO is back", async () => {
    await proxy.addToxic("slow", "upstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const r = await upload(
      {
        endpoint: proxy.endpoint,
        role: "uploader",
        retry: patient,
        at: 4 * MiB,
        fault: () => lane.restart(),
      },
      "faults/restart.bin",
    );
    expect(r.retries).toBeGreaterThanOrEqual(1);
    expect(await storedSha("faults/restart.bin")).toBe(sourceSha);
    record("server restart", "upload", { identical: true, retries: r.retries, seconds: r.seconds });
  });

  test("download: ranges asked for while MinIO restarts are retried once it is back", async () => {
    // A range MinIO has already written into the socket buffers is not cut by its
    // restart, so the restart begins as the second range is asked for.
    let restarting: Promise<void> | undefined;
    const out = outPath("restart");
    const r = await download(
      {
        endpoint: proxy.endpoint,
        role: "viewer",
        retry: patient,
        onSend: async (_req, n) => {
          if (n === 2 && restarting === undefined) {
            restarting = lane.restart();
            await sleep(300);
          }
        },
      },
      out,
    );
    await restarting;
    expect(r.retries).toBeGreaterThanOrEqual(1);
    await expectDownloaded(out, r.result);
    record("server restart", "download", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });
});

describe("fault table: 500 and 503 SlowDown bursts (S3's error XML from a shim)", () => {
  const slowDown = {
    kind: "error",
    status: 503,
    code: "SlowDown",
    message: "Please reduce your request rate.",
  } as const;
  const internal = {
    kind: "error",
    status: 500,
    code: "InternalError",
    message: "We encountered an internal error. Please try again.",
  } as const;

  test("upload: 2 × 503 SlowDown and 1 × 500 on parts, then S3 answers: the same bytes", async () => {
    const part = (q: URLSearchParams) => q.has("partNumber");
    shim.setRules([
      { match: (r) => r.method === "PUT" && part(r.query), times: 2, action: slowDown },
      { match: (r) => r.method === "PUT" && part(r.query), times: 1, action: internal },
    ]);
    const r = await upload({ endpoint: shim.endpoint, role: "uploader" }, "faults/slowdown.bin");
    expect(shim.hits()).toEqual([2, 1]);
    expect(r.retries).toBe(3);
    expect(await storedSha("faults/slowdown.bin")).toBe(sourceSha);
    record("500/503 burst", "upload", { identical: true, retries: r.retries, seconds: r.seconds });
  });

  test("download: 2 × 503 SlowDown and 1 × 500 on ranges, then S3 answers: the same bytes", async () => {
    shim.setRules([
      { match: (r) => r.method === "GET", times: 2, action: slowDown },
      { match: (r) => r.method === "GET", times: 1, action: internal },
    ]);
    const out = outPath("slowdown");
    const r = await download({ endpoint: shim.endpoint, role: "viewer" }, out);
    expect(shim.hits()).toEqual([2, 1]);
    expect(r.retries).toBe(3);
    await expectDownloaded(out, r.result);
    record("500/503 burst", "download", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });

  test("upload: SlowDown past the retry budget stops with S3's reason; --resume completes it", async () => {
    const key = "faults/slowdown-budget.bin";
    shim.setRules([
      {
        match: (r) => r.method === "PUT" && r.query.get("partNumber") === "2",
        times: 1000,
        action: slowDown,
      },
    ]);
    const started = Date.now();
    const failure = await upload({ endpoint: shim.endpoint, role: "uploader" }, key, true).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(
      /SlowDown|slow down|reduce your request rate/i,
    );
    expect((failure as StrongboxError).hint).toMatch(/--resume/);
    expect(shim.hits()[0]).toBe(QUICK_RETRY.maxAttempts);
    expect(await objectExists(key)).toBe(false);
    shim.setRules([]);
    const r = await upload({ endpoint: shim.endpoint, role: "uploader" }, key, true);
    expect(r.t.events.some((e) => e.type === "note" && /Resuming/.test(e.message))).toBe(true);
    expect(r.dataRequests).toBe(1); // only part 2 was sent again
    expect(await storedSha(key)).toBe(sourceSha);
    record("503 past the budget, then --resume", "upload", {
      identical: true,
      firstRun: (failure as Error).message,
      seconds: (Date.now() - started) / 1000,
    });
  });
});

describe("fault table: connection refused for a while, then back", () => {
  const brief: RetryOptions = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

  test("upload: refused past the retry budget stops clearly, nothing under the key; --resume completes it", async () => {
    const key = "faults/refused.bin";
    await proxy.addToxic("slow", "upstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const started = Date.now();
    const failure = await upload(
      {
        endpoint: proxy.endpoint,
        role: "uploader",
        retry: brief,
        at: 4 * MiB,
        fault: () => proxy.setEnabled(false),
      },
      key,
      true,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(/ECONNREFUSED|refused|closed|ECONNRESET/);
    expect((failure as StrongboxError).hint).toMatch(/--resume/);
    expect(await objectExists(key)).toBe(false);
    await proxy.reset();
    const r = await upload({ endpoint: proxy.endpoint, role: "uploader" }, key, true);
    expect(r.t.events.some((e) => e.type === "note" && /Resuming/.test(e.message))).toBe(true);
    expect(await storedSha(key)).toBe(sourceSha);
    record("connection refused, then back", "upload", {
      identical: true,
      firstRun: (failure as Error).message,
      seconds: (Date.now() - started) / 1000,
    });
  });

  test("download: refused past the retry budget stops clearly, no file under the name; the next run resumes", async () => {
    const out = outPath("refused");
    await proxy.addToxic("slow", "downstream", { type: "bandwidth", attributes: { rate: 3000 } });
    const started = Date.now();
    const failure = await download(
      {
        endpoint: proxy.endpoint,
        role: "viewer",
        retry: brief,
        at: 6 * MiB,
        fault: () => proxy.setEnabled(false),
      },
      out,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(/ECONNREFUSED|refused|closed|ECONNRESET/);
    expect(existsSync(out)).toBe(false);
    await proxy.reset();
    const r = await download({ endpoint: proxy.endpoint, role: "viewer" }, out);
    await expectDownloaded(out, r.result);
    expect(r.result.resumed).toBe(true);
    record("connection refused, then back", "download", {
      identical: true,
      resumed: r.result.resumed,
      firstRun: (failure as Error).message,
      seconds: (Date.now() - started) / 1000,
    });
  });
});

describe("completion is idempotent: a lost Complete answer, a 200 carrying <Error>", () => {
  const complete = (r: { method: string; query: URLSearchParams }) =>
    r.method === "POST" && r.query.has("uploadId");

  test("admin: the answer to Complete is lost, its retry gets NoSuchUpload; HEAD's composite checksum shows the object landed", async () => {
    const key = "faults/lost-complete-admin.bin";
    shim.setRules([{ match: complete, times: 1, action: { kind: "lose-answer" } }]);
    const r = await upload({ endpoint: shim.endpoint, role: "admin" }, key);
    expect(shim.hits()).toEqual([1]);
    expect(shim.seen().filter(complete)).toHaveLength(2);
    expect(r.result.versionId).toBeTruthy();
    expect(r.t.events.some((e) => e.type === "note" && /answer .*lost/i.test(e.message))).toBe(
      true,
    );
    expect(await storedSha(key)).toBe(sourceSha);
    record("lost Complete answer (admin: HEAD + composite checksum)", "upload", {
      identical: true,
      seconds: r.seconds,
    });
  });

  test("uploader: the answer to Complete is lost; the upload id's absence (ListParts: NoSuchUpload) shows S3 completed it", async () => {
    const key = "faults/lost-complete-uploader.bin";
    shim.setRules([{ match: complete, times: 1, action: { kind: "lose-answer" } }]);
    const r = await upload({ endpoint: shim.endpoint, role: "uploader" }, key);
    expect(shim.hits()).toEqual([1]);
    // The Uploader may not HEAD: it asked for the upload's parts instead.
    expect(shim.seen().some((q) => q.method === "GET" && q.query.has("uploadId"))).toBe(true);
    expect(shim.seen().some((q) => q.method === "HEAD")).toBe(false);
    expect(r.t.events.some((e) => e.type === "note" && /upload id is gone/i.test(e.message))).toBe(
      true,
    );
    expect(await storedSha(key)).toBe(sourceSha);
    record("lost Complete answer (uploader: upload id gone)", "upload", {
      identical: true,
      seconds: r.seconds,
    });
  });

  test("a 200 answer to Complete carrying <Error>InternalError is retried, as S3 documents", async () => {
    const key = "faults/complete-200-error.bin";
    shim.setRules([
      {
        match: complete,
        times: 1,
        action: {
          kind: "error-in-200",
          code: "InternalError",
          message: "We encountered an internal error. Please try again.",
        },
      },
    ]);
    const r = await upload({ endpoint: shim.endpoint, role: "uploader" }, key);
    expect(shim.hits()).toEqual([1]);
    expect(shim.seen().filter(complete)).toHaveLength(2);
    expect(await storedSha(key)).toBe(sourceSha);
    record("200 with <Error> on Complete", "upload", { identical: true, seconds: r.seconds });
  });

  test("a 200 answer to Complete carrying a final <Error> (InvalidPart) is not retried and names S3's reason", async () => {
    const key = "faults/complete-200-invalid.bin";
    shim.setRules([
      {
        match: complete,
        times: 1,
        action: {
          kind: "error-in-200",
          code: "InvalidPart",
          message: "One or more of the specified parts could not be found.",
        },
      },
    ]);
    const failure = await upload({ endpoint: shim.endpoint, role: "uploader" }, key).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as Error).message).toMatch(/InvalidPart/);
    expect(shim.seen().filter(complete)).toHaveLength(1);
    expect(await objectExists(key)).toBe(false);
  });
});

describe("downloads verify with the checksum an object carries (written by another tool)", () => {
  test.each(["crc64nvme", "crc32c", "crc32"] as const)(
    "an object PUT with only x-amz-checksum-%s (MinIO checks it against the bytes) downloads verified by it",
    async (algorithm) => {
      const key = `faults/other-tool-${algorithm}.bin`;
      const data = randomBytes(3 * MiB + 5);
      const crc = createCrc(algorithm);
      crc.update(data);
      const presigner = createPresigner({ config: lane.config(), credentials: sessions.admin });
      const signed = await presigner.sign({
        method: "PUT",
        key,
        headers: {
          "content-length": String(data.length),
          [`x-amz-checksum-${algorithm}`]: crc.digest().toString("base64"),
        },
        expiresInSeconds: 300,
      });
      const transport = createHttpTransport();
      try {
        const put = await transport.send({
          method: "PUT",
          url: signed.url,
          headers: signed.headers,
          body: data,
        });
        expect(put.status, await put.text()).toBe(200);
      } finally {
        await transport.close();
      }
      const out = outPath(`other-tool-${algorithm}`);
      const t = depsFor({ endpoint: lane.endpoint, role: "viewer" });
      try {
        const result = await downloadObject(t.deps, {
          bucket: lane.bucket,
          key,
          out,
          requireChecksum: true,
        });
        expect(result.verified).toBe(algorithm);
        expect(sha256(await readFile(out))).toBe(sha256(data));
      } finally {
        await t.finish();
      }
    },
  );
});

describe("concurrency: several clients, one key", () => {
  test("three Uploaders race to create one key (create-only): exactly one wins, the others are told it exists", async () => {
    const key = "faults/race.bin";
    const files = [0, 1, 2].map((i) => {
      const path = join(work, `race-${i}.bin`);
      const data = randomBytes(PART + 1024 * (i + 1));
      writeFileSync(path, data);
      return { path, sha: sha256(data) };
    });
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      files.map(async (f) => {
        const t = depsFor({ endpoint: lane.endpoint, role: "uploader" });
        try {
          return await uploadFile(t.deps, {
            bucket: lane.bucket,
            path: f.path,
            key,
            partSize: PART,
            threshold: PART,
            concurrency: 2,
            createOnly: true,
          });
        } finally {
          await t.finish();
        }
      }),
    );
    const winners = outcomes.flatMap((o, i) => (o.status === "fulfilled" ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const o of outcomes)
      if (o.status === "rejected") expect((o.reason as Error).message).toMatch(/already exists/);
    expect(await storedSha(key)).toBe(files[winners[0] as number]?.sha);
    record("3 Uploaders, one key (create-only)", "upload", {
      winners: winners.length,
      refused: outcomes.length - winners.length,
      seconds: (Date.now() - started) / 1000,
    });
  });
});
