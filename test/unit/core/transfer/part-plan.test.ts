import { describe, expect, it } from "vitest";
import {
  DEFAULT_MULTIPART_THRESHOLD,
  DEFAULT_PART_SIZE,
  defaultPartSize,
  GiB,
  MAX_OBJECT_SIZE,
  MAX_PARTS,
  MiB,
  parseByteSize,
  planParts,
  requestsInFlight,
  TiB,
} from "../../../../src/core/transfer/part-plan.js";

const multipart = (size: number, options = {}) => {
  const plan = planParts(size, options);
  if (plan.kind !== "multipart") throw new Error(`expected multipart for ${size}`);
  return plan;
};

describe("part planner", () => {
  it("sends 0 bytes as a single PUT, even with a zero threshold", () => {
    expect(planParts(0)).toEqual({ kind: "single", size: 0 });
    expect(planParts(0, { threshold: 0 })).toEqual({ kind: "single", size: 0 });
  });

  it("sends 5 MiB − 1 as a single PUT (below the 5 MiB part minimum)", () => {
    expect(planParts(5 * MiB - 1, { threshold: 5 * MiB }).kind).toBe("single");
  });

  it("switches to multipart exactly at the threshold", () => {
    expect(planParts(DEFAULT_MULTIPART_THRESHOLD - 1).kind).toBe("single");
    const plan = multipart(DEFAULT_MULTIPART_THRESHOLD);
    expect(plan.parts.length).toBe(Math.ceil(DEFAULT_MULTIPART_THRESHOLD / DEFAULT_PART_SIZE));
  });

  it("covers every byte once, with a short last part", () => {
    const size = 3 * DEFAULT_PART_SIZE + 123;
    const plan = multipart(size);
    expect(plan.parts.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    expect(plan.parts.at(-1)).toEqual({ number: 4, start: 3 * DEFAULT_PART_SIZE, size: 123 });
    expect(plan.parts.reduce((sum, p) => sum + p.size, 0)).toBe(size);
    for (const [i, p] of plan.parts.entries()) expect(p.start).toBe(i * DEFAULT_PART_SIZE);
  });

  it("without a wish, ~64 parts of 16 to 64 MiB (whole MiB)", () => {
    expect(defaultPartSize(16 * MiB)).toBe(DEFAULT_PART_SIZE);
    expect(defaultPartSize(256 * MiB)).toBe(16 * MiB);
    expect(defaultPartSize(GiB)).toBe(16 * MiB);
    expect(defaultPartSize(2 * GiB)).toBe(32 * MiB);
    expect(defaultPartSize(2 * GiB + 1)).toBe(33 * MiB);
    expect(defaultPartSize(4 * GiB)).toBe(64 * MiB);
    expect(defaultPartSize(100 * GiB)).toBe(64 * MiB);
    expect(multipart(2 * GiB).parts.length).toBe(64);
    expect(multipart(2 * GiB, { partSize: 16 * MiB }).parts.length).toBe(128);
  });

  it("grows the default part size past 640 GiB to stay within 10,000 parts", () => {
    const plan = multipart(TiB);
    expect(plan.partSize).toBe(105 * MiB);
    expect(plan.parts.length).toBeLessThanOrEqual(MAX_PARTS);
  });

  it("keeps the wished part size at exactly 10,000 parts", () => {
    const plan = multipart(MAX_PARTS * 5 * MiB, { partSize: 5 * MiB });
    expect(plan.partSize).toBe(5 * MiB);
    expect(plan.parts.length).toBe(MAX_PARTS);
  });

  it("grows the part size one byte past the 10,000-part boundary", () => {
    const plan = multipart(MAX_PARTS * 5 * MiB + 1, { partSize: 5 * MiB });
    expect(plan.partSize).toBe(6 * MiB);
    expect(plan.parts.length).toBeLessThanOrEqual(MAX_PARTS);
  });

  it("plans the largest object S3 accepts (5 TiB) within 10,000 parts of ≤ 5 GiB", () => {
    const plan = multipart(MAX_OBJECT_SIZE);
    expect(plan.parts.length).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize).toBeLessThanOrEqual(5 * GiB);
    expect(plan.parts.reduce((sum, p) => sum + p.size, 0)).toBe(MAX_OBJECT_SIZE);
  });

  it("refuses more than 5 TiB with a clear error", () => {
    expect(() => planParts(5 * TiB + 1)).toThrow(/at most 5 TiB/);
  });

  it("refuses part sizes below 5 MiB or above 5 GiB", () => {
    expect(() => planParts(100 * MiB, { partSize: 5 * MiB - 1 })).toThrow(/at least 5 MiB/);
    expect(() => planParts(100 * MiB, { partSize: 5 * GiB + 1 })).toThrow(/at most 5 GiB/);
  });

  it("forces multipart above 5 GiB whatever the threshold (a single PUT can't carry more)", () => {
    expect(planParts(5 * GiB + 1, { threshold: 10 * GiB }).kind).toBe("multipart");
  });

  it("refuses negative and fractional sizes", () => {
    expect(() => planParts(-1)).toThrow(/Invalid file size/);
    expect(() => planParts(1.5)).toThrow(/Invalid file size/);
  });

  it.each([
    ["16MiB", 16 * MiB],
    ["8m", 8 * MiB],
    ["5242880", 5242880],
    ["1GiB", GiB],
    ["1.5GB", 1.5 * GiB],
  ])("reads %s as %d bytes", (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it("rejects unreadable sizes", () => {
    expect(() => parseByteSize("lots")).toThrow(/Cannot read/);
  });
});

describe("requests in flight for a batch", () => {
  it("one file gets the parts in flight asked for, however many files may go at once", () => {
    expect(requestsInFlight(1, 16, 1)).toBe(1);
    expect(requestsInFlight(8, 16, 1)).toBe(8);
  });

  it("a folder: one request per file in flight when that is more than a file's parts", () => {
    expect(requestsInFlight(1, 16, 1000)).toBe(16);
    expect(requestsInFlight(8, 16, 3)).toBe(8);
    expect(requestsInFlight(32, 16, 1000)).toBe(32);
  });
});
