import { describe, expect, it } from "vitest";
import {
  type AttemptFailure,
  DEFAULT_RETRY,
  decideRetry,
} from "../../../../src/core/transfer/retry-policy.js";

const always = (value: number) => () => value;

describe("retry policy", () => {
  it.each<[string, AttemptFailure, boolean]>([
    ["500 InternalError", { status: 500, code: "InternalError" }, true],
    ["502 bad gateway", { status: 502 }, true],
    ["503 SlowDown", { status: 503, code: "SlowDown" }, true],
    ["504", { status: 504 }, true],
    ["429 too many requests", { status: 429 }, true],
    ["400 RequestTimeout", { status: 400, code: "RequestTimeout" }, true],
    ["network reset", { kind: "network" }, true],
    ["timeout", { kind: "timeout" }, true],
    ["body cut short", { kind: "integrity" }, true],
    ["expired URL (re-signed)", { status: 403, kind: "url-expired" }, true],
    ["400 BadDigest", { status: 400, code: "BadDigest" }, false],
    ["400 InvalidArgument", { status: 400, code: "InvalidArgument" }, false],
    ["403 AccessDenied", { status: 403, code: "AccessDenied" }, false],
    ["403 ExpiredToken", { status: 403, code: "ExpiredToken" }, false],
    ["403 RequestTimeTooSkewed", { status: 403, code: "RequestTimeTooSkewed" }, false],
    ["404 NoSuchKey", { status: 404, code: "NoSuchKey" }, false],
    ["404 NoSuchUpload", { status: 404, code: "NoSuchUpload" }, false],
    ["412 PreconditionFailed", { status: 412, code: "PreconditionFailed" }, false],
    ["user interrupt", { kind: "aborted" }, false],
  ])("%s → retry %s", (_label, failure, retry) => {
    expect(decideRetry(failure, 1, DEFAULT_RETRY, always(0.5)).retry).toBe(retry);
  });

  it("backs off exponentially with full jitter, capped", () => {
    const opts = { maxAttempts: 20, baseDelayMs: 100, maxDelayMs: 1000 };
    const top = (attempt: number) =>
      decideRetry({ status: 503 }, attempt, opts, always(0.999999)).delayMs;
    expect([1, 2, 3, 4, 5, 6].map(top)).toEqual([99, 199, 399, 799, 999, 999]);
    expect(decideRetry({ status: 503 }, 4, opts, always(0)).delayMs).toBe(0);
  });

  it("gives up after maxAttempts", () => {
    const d = decideRetry({ status: 500 }, DEFAULT_RETRY.maxAttempts, DEFAULT_RETRY, always(0.5));
    expect(d.retry).toBe(false);
    expect(d.reason).toMatch(/gave up after 6 attempts/);
  });

  it("re-signs an expired URL at once, without waiting", () => {
    expect(decideRetry({ kind: "url-expired" }, 2, DEFAULT_RETRY, always(0.9)).delayMs).toBe(0);
  });
});
