import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { StrongboxError } from "../../src/core/errors.js";
import { createPresigner } from "../../src/core/presign.js";
import { createCrc } from "../../src/core/transfer/crc.js";
import { downloadObject } from "../../src/core/transfer/download.js";
import type { RetryOptions } from "../../src/core/transfer/retry-policy.js";
import { createHttpTransport, type HttpRequest } from "../../src/core/transfer/transport.js";
import { uploadFile } from "../../src/core/transfer/upload.js";
import {
  failureOf,
  MiB,
  PART,
  QUICK_RETRY,
  type Run,
  record,
  SIZE,
  sha256,
  sleep,
  type Transfer,
  useFaultBench,
} from "./support/fault-harness.js";
import type { ShimAction, ShimRequest } from "./support/s3-shim.js";
import type { Direction } from "./support/toxiproxy.js";

/*
 * The fault table: real faults on the wire (toxiproxy, or a small S3 shim for
 * S3's own error answers) between the transfer engine and a real S3 (MinIO).
 * Each row moves a multipart-sized file (3 parts of 5 MiB) up or down. The
 * outcome is either the same bytes, or a clear stop after the retry budget
 * that a later run (--resume) completes; never a partial object under the
 * final key, never a half file under the final download name.
 */

const bench = useFaultBench();

/** A link throttled to `rate` KB/s in one direction, so a fault lands mid-part. */
const throttle =
  (stream: Direction, rate = 3000) =>
  () =>
    bench.proxy.addToxic("slow", stream, { type: "bandwidth", attributes: { rate } });

/** Removes toxic `name` when the first retry is sent (a data request beyond the first three). */
function liftOnRetry(name: string): Pick<Run, "onSend"> {
  let armed = true;
  return {
    onSend: async (_req: HttpRequest, n: number) => {
      if (armed && n > 3) {
        armed = false;
        await bench.proxy.removeToxic(name).catch(() => {});
      }
    },
  };
}

/** Resets every connection once 4 MiB have moved, for 150 ms. */
const resetBriefly = (stream: Direction): Partial<Run> => ({
  at: 4 * MiB,
  fault: async () => {
    await bench.proxy.addToxic("reset", stream, {
      type: "reset_peer",
      attributes: { timeout: 0 },
    });
    await sleep(150);
    await bench.proxy.removeToxic("reset");
  },
});

/** Stalls the connections once 4 MiB have moved, until the first retry. */
const stall = (stream: Direction): Partial<Run> => ({
  at: 4 * MiB,
  fault: () =>
    bench.proxy.addToxic("stall", stream, { type: "timeout", attributes: { timeout: 0 } }),
  ...liftOnRetry("stall"),
});

const PATIENT: RetryOptions = { maxAttempts: 15, baseDelayMs: 200, maxDelayMs: 1500 };
const SLOW_DOWN: ShimAction = {
  kind: "error",
  status: 503,
  code: "SlowDown",
  message: "Please reduce your request rate.",
};
const INTERNAL: ShimAction = {
  kind: "error",
  status: 500,
  code: "InternalError",
  message: "We encountered an internal error. Please try again.",
};
/** 2 × 503 SlowDown then 1 × 500 on the data requests of one direction. */
const burst = (data: (r: ShimRequest) => boolean) => () =>
  bench.shim.setRules([
    { match: data, times: 2, action: SLOW_DOWN },
    { match: data, times: 1, action: INTERNAL },
  ]);

interface WireRow {
  fault: string;
  direction: "upload" | "download";
  /** What the row shows, for the test's name. */
  shows: string;
  via: "proxy" | "shim";
  /** Set up before the transfer starts (a throttle, shim rules). */
  before?: () => Promise<unknown> | unknown;
  /** Timed during the transfer; `settle` is awaited after it. */
  during?: () => Partial<Run> & { settle?: () => Promise<unknown> };
  /** Data requests beyond the first try of each part or range: "some" is at least one. */
  retries: "some" | number;
  /** Progress events keep coming (more than 20). */
  progress?: boolean;
  /** Requests each shim rule answered. */
  shimHits?: number[];
}

/** Every row ends with the same bytes on the other side, however the wire failed. */
const WIRE_ROWS: WireRow[] = [
  {
    fault: "reset mid-part",
    direction: "upload",
    shows: "a reset mid-part is retried and the object is the file",
    via: "proxy",
    before: throttle("upstream"),
    during: () => resetBriefly("upstream"),
    retries: "some",
  },
  {
    fault: "reset mid-part",
    direction: "download",
    shows: "a reset mid-range is retried and the file is the object",
    via: "proxy",
    before: throttle("downstream"),
    during: () => resetBriefly("downstream"),
    retries: "some",
  },
  {
    fault: "reset mid-response",
    direction: "upload",
    shows: "the answers to parts S3 stored are lost to a reset; the parts are sent again",
    via: "proxy",
    during: () => ({
      // Every part's body has been handed to the socket: answers are on their way.
      at: SIZE,
      fault: () =>
        bench.proxy.addToxic("reset", "downstream", {
          type: "reset_peer",
          attributes: { timeout: 0 },
        }),
      ...liftOnRetry("reset"),
    }),
    retries: "some",
  },
  {
    fault: "reset mid-response",
    direction: "download",
    shows: "each response is cut after 1 MiB until a retry; the file is the object",
    via: "proxy",
    before: () =>
      bench.proxy.addToxic("cut", "downstream", { type: "limit_data", attributes: { bytes: MiB } }),
    during: () => liftOnRetry("cut"),
    retries: "some",
  },
  {
    fault: "stalled connection",
    direction: "upload",
    shows: "the idle timeout fires and the part is retried",
    via: "proxy",
    before: throttle("upstream"),
    during: () => stall("upstream"),
    retries: "some",
  },
  {
    fault: "stalled connection",
    direction: "download",
    shows: "the idle timeout fires and the range is retried",
    via: "proxy",
    before: throttle("downstream"),
    during: () => stall("downstream"),
    retries: "some",
  },
  {
    fault: "slow link",
    direction: "upload",
    shows: "progress keeps moving and nothing times out",
    via: "proxy",
    before: throttle("upstream", 1500),
    // The idle timer can't see bytes still queued in the socket buffers (several MiB on
    // loopback, plus the proxy's): after a part's last write it waits while they drain at
    // the link's pace. So the upload's timeout is longer than a part takes at that pace.
    during: () => ({ idleMs: 10_000 }),
    retries: 0,
    progress: true,
  },
  {
    fault: "slow link",
    direction: "download",
    shows: "progress keeps moving and nothing times out",
    via: "proxy",
    before: throttle("downstream", 1500),
    retries: 0,
    progress: true,
  },
  {
    fault: "server restart",
    direction: "upload",
    shows: "parts cut by the restart are retried once MinIO is back",
    via: "proxy",
    before: throttle("upstream"),
    during: () => ({ retry: PATIENT, at: 4 * MiB, fault: () => bench.lane.restart() }),
    retries: "some",
  },
  {
    fault: "server restart",
    direction: "download",
    shows: "ranges asked for while MinIO restarts are retried once it is back",
    via: "proxy",
    during: () => {
      // A range MinIO has already written into the socket buffers is not cut by its
      // restart, so the restart begins as the second range is asked for.
      let restarting: Promise<void> | undefined;
      return {
        retry: PATIENT,
        onSend: async (_req, n) => {
          if (n === 2 && restarting === undefined) {
            restarting = bench.lane.restart();
            await sleep(300);
          }
        },
        settle: async () => restarting,
      };
    },
    retries: "some",
  },
  {
    fault: "500/503 burst",
    direction: "upload",
    shows: "2 × 503 SlowDown and 1 × 500 on parts, then S3 answers: the same bytes",
    via: "shim",
    before: burst((r) => r.method === "PUT" && r.query.has("partNumber")),
    retries: 3,
    shimHits: [2, 1],
  },
  {
    fault: "500/503 burst",
    direction: "download",
    shows: "2 × 503 SlowDown and 1 × 500 on ranges, then S3 answers: the same bytes",
    via: "shim",
    before: burst((r) => r.method === "GET"),
    retries: 3,
    shimHits: [2, 1],
  },
];

const slug = (text: string) => text.replace(/[^a-z0-9]+/gi, "-").toLowerCase();

describe("fault table: faults on the wire (toxiproxy, or S3's error XML from a shim)", () => {
  for (const row of WIRE_ROWS) {
    test(`${row.fault}, ${row.direction}: ${row.shows}`, async () => {
      await row.before?.();
      const { settle, ...timing } = row.during?.() ?? {};
      const run: Run = {
        endpoint: row.via === "proxy" ? bench.proxy.endpoint : bench.shim.endpoint,
        role: row.direction === "upload" ? "uploader" : "viewer",
        ...timing,
      };
      let r: Transfer<unknown>;
      if (row.direction === "upload") {
        const key = `faults/${slug(row.fault)}.bin`;
        r = await bench.upload(run, key);
        await settle?.();
        expect(await bench.storedSha(key)).toBe(bench.sourceSha);
      } else {
        const out = bench.outPath(slug(row.fault));
        const d = await bench.download(run, out);
        await settle?.();
        await bench.expectDownloaded(out, d.result);
        r = d;
      }
      if (row.retries === "some") expect(r.retries).toBeGreaterThanOrEqual(1);
      else expect(r.retries).toBe(row.retries);
      if (row.progress) expect(r.progressEvents).toBeGreaterThan(20);
      if (row.shimHits) expect(bench.shim.hits()).toEqual(row.shimHits);
      record(row.fault, row.direction, { identical: true, retries: r.retries, seconds: r.seconds });
    });
  }
});

describe("fault table: past the retry budget, a clear stop that a later run completes", () => {
  test("upload: SlowDown past the retry budget stops with S3's reason; --resume completes it", async () => {
    const key = "faults/slowdown-budget.bin";
    bench.shim.setRules([
      {
        match: (r) => r.method === "PUT" && r.query.get("partNumber") === "2",
        times: 1000,
        action: SLOW_DOWN,
      },
    ]);
    const started = Date.now();
    const failure = await failureOf(
      bench.upload({ endpoint: bench.shim.endpoint, role: "uploader" }, key, true),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(
      /SlowDown|slow down|reduce your request rate/i,
    );
    expect((failure as StrongboxError).hint).toMatch(/--resume/);
    expect(bench.shim.hits()[0]).toBe(QUICK_RETRY.maxAttempts);
    expect(await bench.objectExists(key)).toBe(false);
    bench.shim.setRules([]);
    const r = await bench.upload({ endpoint: bench.shim.endpoint, role: "uploader" }, key, true);
    expect(r.events.some((e) => e.type === "note" && /Resuming/.test(e.message))).toBe(true);
    expect(r.dataRequests).toBe(1); // only part 2 was sent again
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("503 past the budget, then --resume", "upload", {
      identical: true,
      firstRun: (failure as Error).message,
      seconds: (Date.now() - started) / 1000,
    });
  });

  const brief: RetryOptions = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 200 };

  test("upload: refused past the retry budget stops clearly, nothing under the key; --resume completes it", async () => {
    const key = "faults/refused.bin";
    await throttle("upstream")();
    const started = Date.now();
    const failure = await failureOf(
      bench.upload(
        {
          endpoint: bench.proxy.endpoint,
          role: "uploader",
          retry: brief,
          at: 4 * MiB,
          fault: () => bench.proxy.setEnabled(false),
        },
        key,
        true,
      ),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(/ECONNREFUSED|refused|closed|ECONNRESET/);
    expect((failure as StrongboxError).hint).toMatch(/--resume/);
    expect(await bench.objectExists(key)).toBe(false);
    await bench.proxy.reset();
    const r = await bench.upload({ endpoint: bench.proxy.endpoint, role: "uploader" }, key, true);
    expect(r.events.some((e) => e.type === "note" && /Resuming/.test(e.message))).toBe(true);
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("connection refused, then back", "upload", {
      identical: true,
      firstRun: (failure as Error).message,
      seconds: (Date.now() - started) / 1000,
    });
  });

  test("download: refused past the retry budget stops clearly, no file under the name; the next run resumes", async () => {
    const out = bench.outPath("refused");
    await throttle("downstream")();
    const started = Date.now();
    const failure = await failureOf(
      bench.download(
        {
          endpoint: bench.proxy.endpoint,
          role: "viewer",
          retry: brief,
          at: 6 * MiB,
          fault: () => bench.proxy.setEnabled(false),
        },
        out,
      ),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as StrongboxError).message).toMatch(/ECONNREFUSED|refused|closed|ECONNRESET/);
    expect(existsSync(out)).toBe(false);
    await bench.proxy.reset();
    const r = await bench.download({ endpoint: bench.proxy.endpoint, role: "viewer" }, out);
    await bench.expectDownloaded(out, r.result);
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
    bench.shim.setRules([{ match: complete, times: 1, action: { kind: "lose-answer" } }]);
    const r = await bench.upload({ endpoint: bench.shim.endpoint, role: "admin" }, key);
    expect(bench.shim.hits()).toEqual([1]);
    expect(bench.shim.seen().filter(complete)).toHaveLength(2);
    expect(r.result.versionId).toBeTruthy();
    expect(r.events.some((e) => e.type === "note" && /answer .*lost/i.test(e.message))).toBe(true);
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("lost Complete answer (admin: HEAD + composite checksum)", "upload", {
      identical: true,
      seconds: r.seconds,
    });
  });

  test("uploader: the answer to Complete is lost; the upload id's absence (ListParts: NoSuchUpload) shows S3 completed it", async () => {
    const key = "faults/lost-complete-uploader.bin";
    bench.shim.setRules([{ match: complete, times: 1, action: { kind: "lose-answer" } }]);
    const r = await bench.upload({ endpoint: bench.shim.endpoint, role: "uploader" }, key);
    expect(bench.shim.hits()).toEqual([1]);
    // The Uploader may not HEAD: it asked for the upload's parts instead.
    expect(bench.shim.seen().some((q) => q.method === "GET" && q.query.has("uploadId"))).toBe(true);
    expect(bench.shim.seen().some((q) => q.method === "HEAD")).toBe(false);
    expect(r.events.some((e) => e.type === "note" && /upload id is gone/i.test(e.message))).toBe(
      true,
    );
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("lost Complete answer (uploader: upload id gone)", "upload", {
      identical: true,
      seconds: r.seconds,
    });
  });

  test("a 200 answer to Complete carrying <Error>InternalError is retried, as S3 documents", async () => {
    const key = "faults/complete-200-error.bin";
    bench.shim.setRules([
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
    const r = await bench.upload({ endpoint: bench.shim.endpoint, role: "uploader" }, key);
    expect(bench.shim.hits()).toEqual([1]);
    expect(bench.shim.seen().filter(complete)).toHaveLength(2);
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("200 with <Error> on Complete", "upload", { identical: true, seconds: r.seconds });
  });

  test("a 200 answer to Complete carrying a final <Error> (InvalidPart) is not retried and names S3's reason", async () => {
    const key = "faults/complete-200-invalid.bin";
    bench.shim.setRules([
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
    const failure = await failureOf(
      bench.upload({ endpoint: bench.shim.endpoint, role: "uploader" }, key),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    expect((failure as Error).message).toMatch(/InvalidPart/);
    expect(bench.shim.seen().filter(complete)).toHaveLength(1);
    expect(await bench.objectExists(key)).toBe(false);
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
      const presigner = createPresigner({
        config: bench.lane.config(),
        credentials: bench.sessions.admin,
      });
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
      const out = bench.outPath(`other-tool-${algorithm}`);
      const t = bench.depsFor({ endpoint: bench.lane.endpoint, role: "viewer" });
      try {
        const result = await downloadObject(t.deps, {
          bucket: bench.lane.bucket,
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
      const path = join(bench.work, `race-${i}.bin`);
      const data = randomBytes(PART + 1024 * (i + 1));
      writeFileSync(path, data);
      return { path, sha: sha256(data) };
    });
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      files.map(async (f) => {
        const t = bench.depsFor({ endpoint: bench.lane.endpoint, role: "uploader" });
        try {
          return await uploadFile(t.deps, {
            bucket: bench.lane.bucket,
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
    expect(await bench.storedSha(key)).toBe(files[winners[0] as number]?.sha);
    record("3 Uploaders, one key (create-only)", "upload", {
      winners: winners.length,
      refused: outcomes.length - winners.length,
      seconds: (Date.now() - started) / 1000,
    });
  });
});
