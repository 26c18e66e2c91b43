import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { type Clock, systemClock } from "../../src/core/clock.js";
import { StrongboxError } from "../../src/core/errors.js";
import { createPresigner, type Presigner } from "../../src/core/presign.js";
import type { Role } from "../../src/core/roles.js";
import {
  failureOf,
  isDataRequest,
  MiB,
  type Run,
  record,
  sleep,
  useFaultBench,
} from "./support/fault-harness.js";
import type { Direction } from "./support/toxiproxy.js";

/*
 * The fault table, time rows: a role session that ends in the middle of a
 * long upload, URLs that expire between signing and use, and a local clock 20
 * minutes off. Each ends in a completed transfer or a clear message; never in
 * corrupted data, and the parts already sent are kept for --resume.
 */

const bench = useFaultBench();
const MINUTE = 60_000;

/** The machine's clock, `offsetMs` off, as the CLI would see it (signing, the session guard). */
function skewedClock(offsetMs: () => number): Clock {
  return { now: () => Date.now() + offsetMs(), sleep: systemClock.sleep };
}

function presignerFor(run: { endpoint: string; role: Role; now?: () => number }): Presigner {
  return createPresigner({
    config: { ...bench.lane.config(), endpoint: run.endpoint },
    credentials: bench.sessions[run.role],
    ...(run.now ? { now: run.now } : {}),
  });
}

/**
 * A session ending in 5 minutes, and a clock that jumps 5 minutes ahead once
 * 4 MiB have moved: the minutes of a long transfer, passed in an instant (MinIO's
 * STS grants 900 s at the least, too long to wait for in a test). The link is
 * throttled and one part or range moves at a time, so the session guard stops
 * the transfer between the first and the second.
 */
async function sessionEndingMidway(role: Role, stream: Direction): Promise<Run> {
  let jump = 0;
  await bench.proxy.addToxic("slow", stream, { type: "bandwidth", attributes: { rate: 3000 } });
  return {
    endpoint: bench.proxy.endpoint,
    role,
    session: { ...bench.sessions[role], expiration: new Date(Date.now() + 5 * MINUTE) },
    concurrency: 1,
    // This row is about the session's end, not a stalled link: a busy machine's
    // pause must not time a part out and make the retry meet the ended session.
    idleMs: 10_000,
    clock: skewedClock(() => jump),
    at: 4 * MiB,
    fault: async () => {
      jump = 5 * MINUTE;
    },
  };
}

describe("fault table: the role session ends in the middle of a long upload", () => {
  test("upload: the session's end comes mid-upload; it stops naming `login` and --resume, keeps its parts, and a new session's --resume completes it", async () => {
    const key = "faults/session-ends.bin";
    const started = Date.now();
    const failure = await failureOf(
      bench.upload(await sessionEndingMidway("uploader", "upstream"), key, true),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    const stop = failure as StrongboxError;
    expect(stop.kind).toBe("credentials");
    expect(`${stop.message} ${stop.hint}`).toMatch(/login/);
    expect(stop.hint).toMatch(/--resume/);
    expect(await bench.objectExists(key)).toBe(false);
    await bench.proxy.reset();
    // `strongbox login`: a new session.
    const fresh = await bench.lane.sessionFor("uploader");
    const r = await bench.upload(
      { endpoint: bench.proxy.endpoint, role: "uploader", session: fresh },
      key,
      true,
    );
    expect(r.events.some((e) => e.type === "note" && /Resuming/.test(e.message))).toBe(true);
    expect(r.dataRequests).toBe(2); // part 1, sent before the stop, was kept
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("session ends mid-upload, then login + --resume", "upload", {
      identical: true,
      firstRun: stop.message,
      hint: stop.hint,
      partsSentAgain: r.dataRequests,
      seconds: (Date.now() - started) / 1000,
    });
  });
  test("upload: S3 says the session's token expired (ExpiredToken) mid-upload; it stops naming `login` and --resume, and a new session's --resume completes it", async () => {
    const key = "faults/token-expired.bin";
    bench.shim.setRules([
      {
        match: (r) => r.method === "PUT" && r.query.get("partNumber") === "3",
        times: 1000,
        action: {
          kind: "error",
          status: 400,
          code: "ExpiredToken",
          message: "The provided token has expired.",
        },
      },
    ]);
    const started = Date.now();
    const failure = await failureOf(
      // One part at a time: parts 1 and 2 are stored before part 3 is refused.
      bench.upload({ endpoint: bench.shim.endpoint, role: "uploader", concurrency: 1 }, key, true),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    const stop = failure as StrongboxError;
    expect(stop.kind).toBe("credentials");
    expect(bench.shim.hits()).toEqual([1]); // a refused token is not retried
    expect(`${stop.message} ${stop.hint}`).toMatch(/login/);
    expect(stop.hint).toMatch(/--resume/);
    expect(await bench.objectExists(key)).toBe(false);
    bench.shim.setRules([]);
    const fresh = await bench.lane.sessionFor("uploader");
    const r = await bench.upload(
      { endpoint: bench.shim.endpoint, role: "uploader", session: fresh },
      key,
      true,
    );
    expect(r.dataRequests).toBe(1); // only part 3 was sent again
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("ExpiredToken from S3 mid-upload, then login + --resume", "upload", {
      identical: true,
      firstRun: stop.message,
      hint: stop.hint,
      partsSentAgain: r.dataRequests,
      seconds: (Date.now() - started) / 1000,
    });
  });

  test("download: the session's end comes mid-download; it stops naming `login` and the same command (download has no --resume), no file under the name; a new session's run resumes it", async () => {
    const out = bench.outPath("session-ends");
    const started = Date.now();
    const failure = await failureOf(
      bench.download(await sessionEndingMidway("viewer", "downstream"), out),
    );
    expect(failure).toBeInstanceOf(StrongboxError);
    const stop = failure as StrongboxError;
    expect(stop.kind).toBe("credentials");
    expect(stop.hint).toMatch(/login/);
    // `strongbox download` has no --resume: "repeat the command with --resume" would send the
    // user to an unknown option. The next run continues from the partial by itself.
    expect(stop.hint).toMatch(/same command/);
    expect(stop.hint).not.toMatch(/repeat the command with --resume/);
    expect(existsSync(out)).toBe(false);
    await bench.proxy.reset();
    const fresh = await bench.lane.sessionFor("viewer");
    const r = await bench.download(
      { endpoint: bench.proxy.endpoint, role: "viewer", session: fresh },
      out,
    );
    expect(r.result.resumed).toBe(true);
    await bench.expectDownloaded(out, r.result);
    record("session ends mid-download, then login + the same command", "download", {
      identical: true,
      firstRun: stop.message,
      hint: stop.hint,
      resumed: r.result.resumed,
      seconds: (Date.now() - started) / 1000,
    });
  });
});

/**
 * The first data request is signed for 1 second and held 2.5 s before it is
 * sent: S3 refuses it as expired. Every other URL is signed as usual.
 */
function expiringFirstUrl(run: { endpoint: string; role: Role }): Partial<Run> {
  const inner = presignerFor(run);
  let shortened = false;
  return {
    presigner: {
      sign: (req) => {
        const data = isDataRequest({
          method: req.method,
          url: `http://x/?${new URLSearchParams(req.query ?? {})}`,
        });
        if (!data || shortened) return inner.sign(req);
        shortened = true;
        return inner.sign({ ...req, expiresInSeconds: 1 });
      },
    },
    onSend: async (req) => {
      if (new URL(req.url).searchParams.get("X-Amz-Expires") === "1") await sleep(2500);
    },
  };
}

describe("fault table: a URL expires between signing and use", () => {
  test("upload: S3 refuses the expired URL; the part is signed again and sent; the same bytes", async () => {
    const key = "faults/url-expired.bin";
    const run = { endpoint: bench.lane.endpoint, role: "uploader" as const };
    const r = await bench.upload({ ...run, ...expiringFirstUrl(run) }, key);
    expect(r.retries).toBe(1);
    expect(await bench.storedSha(key)).toBe(bench.sourceSha);
    record("URL expired before use", "upload", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });

  test("download: S3 refuses the expired URL; the range is signed again and fetched; the same bytes", async () => {
    const out = bench.outPath("url-expired");
    const run = { endpoint: bench.lane.endpoint, role: "viewer" as const };
    const r = await bench.download({ ...run, ...expiringFirstUrl(run) }, out);
    expect(r.retries).toBe(1);
    await bench.expectDownloaded(out, r.result);
    record("URL expired before use", "download", {
      identical: true,
      retries: r.retries,
      seconds: r.seconds,
    });
  });
});

describe("fault table: the local clock is 20 minutes off", () => {
  for (const [direction, offset] of [
    ["upload", 20 * MINUTE],
    ["upload", -20 * MINUTE],
    ["download", 20 * MINUTE],
    ["download", -20 * MINUTE],
  ] as const) {
    const way = offset > 0 ? "ahead" : "behind";
    test(`${direction}: a clock 20 minutes ${way} ends in the same bytes or a message that says so`, async () => {
      const role = direction === "upload" ? "uploader" : "viewer";
      const run: Run = {
        endpoint: bench.lane.endpoint,
        role,
        clock: skewedClock(() => offset),
        presigner: presignerFor({
          endpoint: bench.lane.endpoint,
          role,
          now: () => Date.now() + offset,
        }),
      };
      const key = `faults/clock-${way}.bin`;
      const out = bench.outPath(`clock-${way}`);
      const outcome = await (direction === "upload"
        ? bench.upload(run, key)
        : bench.download(run, out)
      ).then(
        (done) => ({ done }),
        (failure: unknown) => ({ failure }),
      );
      if ("done" in outcome) {
        if (direction === "upload") expect(await bench.storedSha(key)).toBe(bench.sourceSha);
        else await bench.expectDownloaded(out, outcome.done.result as { verified: string });
        record(`clock 20 min ${way}`, direction, { identical: true });
        return;
      }
      const { failure } = outcome;
      expect(failure).toBeInstanceOf(StrongboxError);
      const stop = failure as StrongboxError;
      expect(stop.message).toMatch(/clock/);
      expect(stop.message).toMatch(/20 minutes/);
      if (direction === "upload") expect(await bench.objectExists(key)).toBe(false);
      else expect(existsSync(out)).toBe(false);
      record(`clock 20 min ${way}`, direction, { message: stop.message, hint: stop.hint });
    });
  }
});
