import { describe, expect, it } from "vitest";
import { createLimiter } from "../../../../src/core/transfer/limiter.js";

describe("concurrency limiter", () => {
  it("never runs more than the limit at once, and runs everything", async () => {
    const limiter = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, (i % 4) * 2));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(limiter.active).toBe(0);
  });

  it("frees the slot of a failed task", async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    await expect(limiter.run(async () => 7)).resolves.toBe(7);
  });

  it("rejects a limit below 1", () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
  });
});
