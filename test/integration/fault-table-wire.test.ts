import { describe, expect, test } from "vitest";
import type { RetryOptions } from "../../src/core/transfer/retry-policy.js";
import type { HttpRequest } from "../../src/core/transfer/transport.js";
import {
  MiB,
  type Run,
  record,
  SIZE,
  sleep,
  type Transfer,
  useFaultBench,
} from "./support/fault-harness.js";
import { SLOW_DOWN, throttleOf } from "./support/fault-toxics.js";
import type { ShimAction, ShimRequest } from "./support/s3-shim.js";
import type { Direction } from "./support/toxiproxy.js";

/*
 * The fault table: real faults on the wire (toxiproxy, or a small S3 shim for
 * S3's own error answers) between the transfer engine and a real S3 (MinIO).
 * Each row moves a multipart-sized file (3 parts of 5 MiB) up or down. The
 * outcome is either the same bytes, or a clear stop after the retry budget
 * that a later run (--resume) completes; never a partial object under the
 * final key, never a half file under the final download name.
 *
 * This file: faults on the wire, each row ending with the same bytes.
 */

const bench = useFaultBench();
const throttle = throttleOf(bench);

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
