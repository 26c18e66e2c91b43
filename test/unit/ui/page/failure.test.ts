import { describe, expect, test } from "vitest";
import { StrongboxError } from "../../../../src/core/errors.js";
import { kindOf, retryable } from "../../../../src/ui/page/upload/failure.js";

describe("which failed uploads offer Retry", () => {
  test("a refusal by rule does not: it would repeat", () => {
    for (const kind of ["access-denied", "not-found", "usage", "refused"]) {
      expect(retryable({ kind, message: "x" }), kind).toBe(false);
    }
    expect(retryable(new StrongboxError("access-denied", "already exists"))).toBe(false);
  });

  test("the network, an unavailable S3, an expired session or an unknown failure do", () => {
    for (const kind of ["network", "failed", "credentials", "interrupted"]) {
      expect(retryable({ kind }), kind).toBe(true);
    }
    expect(retryable(new Error("no kind"))).toBe(true);
    expect(retryable(undefined)).toBe(true);
    expect(kindOf({ kind: 3 })).toBeUndefined();
  });
});
