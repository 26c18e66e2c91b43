import { describe, expect, test } from "vitest";
import { StrongboxError } from "../../src/core/errors.js";
import { failureOf, record, useFaultBench } from "./support/fault-harness.js";

/*
 * The fault table: real faults on the wire (toxiproxy, or a small S3 shim for
 * S3's own error answers) between the transfer engine and a real S3 (MinIO).
 * Each row moves a multipart-sized file (3 parts of 5 MiB) up or down. The
 * outcome is either the same bytes, or a clear stop after the retry budget
 * that a later run (--resume) completes; never a partial object under the
 * final key, never a half file under the final download name.
 *
 * This file: completion is idempotent (a lost Complete answer, a 200 carrying <Error>).
 */

const bench = useFaultBench();

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
