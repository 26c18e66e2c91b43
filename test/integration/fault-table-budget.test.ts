import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { StrongboxError } from "../../src/core/errors.js";
import type { RetryOptions } from "../../src/core/transfer/retry-policy.js";
import { failureOf, MiB, QUICK_RETRY, record, useFaultBench } from "./support/fault-harness.js";
import { SLOW_DOWN, throttleOf } from "./support/fault-toxics.js";

/*
 * The fault table: real faults on the wire (toxiproxy, or a small S3 shim for
 * S3's own error answers) between the transfer engine and a real S3 (MinIO).
 * Each row moves a multipart-sized file (3 parts of 5 MiB) up or down. The
 * outcome is either the same bytes, or a clear stop after the retry budget
 * that a later run (--resume) completes; never a partial object under the
 * final key, never a half file under the final download name.
 *
 * This file: past the retry budget, a clear stop that a later run completes.
 */

const bench = useFaultBench();
const throttle = throttleOf(bench);

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
          // The three ranges (5, 5 and 2 MiB + 12,345 bytes) arrive side by side at one
          // rate: the short one is whole at about 6.04 MiB, the others at 12. At 8 MiB
          // exactly one range is done (at 6 MiB none was, a race the row lost at times).
          at: 8 * MiB,
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
