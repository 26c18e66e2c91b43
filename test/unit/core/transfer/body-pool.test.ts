import { describe, expect, it } from "vitest";
import { bodyPool } from "../../../../src/core/transfer/body-pool.js";

describe("buffers reused for bodies read whole", () => {
  it("hands back a given buffer's memory for the next body that fits", () => {
    const pool = bodyPool(1024, 4);
    const first = pool.take(100);
    expect(first.length).toBe(100);
    first.fill(1);
    pool.give(first);
    const second = pool.take(700);
    expect(second.length).toBe(700);
    expect(second.buffer).toBe(first.buffer);
  });

  it("never hands out one buffer twice before it is given back", () => {
    const pool = bodyPool(1024, 4);
    const a = pool.take(10);
    const b = pool.take(10);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it("keeps at most its limit of buffers", () => {
    const pool = bodyPool(64, 1);
    const a = pool.take(8);
    const b = pool.take(8);
    pool.give(a);
    pool.give(b);
    const c = pool.take(8);
    const d = pool.take(8);
    expect(c.buffer).toBe(a.buffer);
    expect(d.buffer).not.toBe(b.buffer);
  });

  it("gives a body larger than its buffers a buffer of its own, never kept", () => {
    const pool = bodyPool(64, 4);
    const big = pool.take(100);
    expect(big.length).toBe(100);
    pool.give(big);
    expect(pool.take(10).buffer).not.toBe(big.buffer);
  });
});
