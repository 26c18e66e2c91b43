import { describe, expect, test } from "vitest";
import { AUDIT_QUERIES, AUDIT_QUERY_LABELS } from "../../../../src/core/audit/queries.js";

describe("the saved queries' labels", () => {
  test("each query has its own label", () => {
    const labels = AUDIT_QUERIES.map((q) => AUDIT_QUERY_LABELS[q]);
    expect(new Set(labels).size).toBe(AUDIT_QUERIES.length);
  });
});
