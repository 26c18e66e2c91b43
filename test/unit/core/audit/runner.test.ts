import { describe, expect, it } from "vitest";
import { runQuery } from "../../../../src/core/audit/runner.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import { FakeClock, running, ScriptedInsights } from "./fakes.js";

const input = {
  logGroupNames: ["trail"],
  queryString: "fields @timestamp",
  startTime: 1,
  endTime: 2,
};

describe("runQuery polling", () => {
  it("polls with growing waits until Complete and returns the rows", async () => {
    const clock = new FakeClock();
    const rows = [[{ field: "eventName", value: "PutObject" }]];
    const api = new ScriptedInsights([
      { status: "Scheduled", results: [] },
      running,
      running,
      { status: "Complete", results: rows, statistics: { recordsMatched: 1 } },
    ]);
    const seen: string[] = [];
    const out = await runQuery(api, input, {
      clock,
      timeoutMs: 60_000,
      onPoll: (status) => seen.push(status),
    });
    expect(out.status).toBe("Complete");
    expect(out.results).toEqual(rows);
    expect(out.queryId).toBe("q-1");
    expect(seen).toEqual(["Scheduled", "Running", "Running", "Complete"]);
    expect(clock.sleeps).toEqual([500, 750, 1125, 1688]);
    expect(api.stopped).toEqual([]);
    expect(api.started[0]).toEqual(input);
  });

  it("caps the backoff at maxDelayMs", async () => {
    const clock = new FakeClock();
    const api = new ScriptedInsights([
      running,
      running,
      running,
      running,
      running,
      { status: "Complete", results: [] },
    ]);
    await runQuery(api, input, {
      clock,
      timeoutMs: 600_000,
      initialDelayMs: 1000,
      backoffFactor: 3,
      maxDelayMs: 4000,
    });
    expect(clock.sleeps).toEqual([1000, 3000, 4000, 4000, 4000, 4000]);
  });

  it("stops the query and says so when the overall timeout passes", async () => {
    const clock = new FakeClock();
    const api = new ScriptedInsights([running]);
    const error = await runQuery(api, input, { clock, timeoutMs: 10_000 }).catch((e) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("failed");
    expect(error.message).toMatch(/did not finish within 10 s and was stopped/);
    expect(api.stopped).toEqual(["q-1"]);
    // Never slept past the deadline.
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });

  it.each([
    ["Failed", /reported the query as failed/],
    ["Cancelled", /cancelled before it finished/],
    ["Timeout", /timed the query out/],
  ] as const)("turns status %s into a failure", async (status, message) => {
    const api = new ScriptedInsights([running, { status, results: [] }]);
    const error = await runQuery(api, input, { clock: new FakeClock(), timeoutMs: 60_000 }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("failed");
    expect(error.message).toMatch(message);
  });

  it("keeps polling through Unknown", async () => {
    const api = new ScriptedInsights([
      { status: "Unknown", results: [] },
      { status: "Complete", results: [] },
    ]);
    const out = await runQuery(api, input, { clock: new FakeClock(), timeoutMs: 60_000 });
    expect(out.status).toBe("Complete");
    expect(api.polls).toBe(2);
  });

  it("stops the query when aborted mid-poll (Ctrl-C)", async () => {
    const controller = new AbortController();
    const api = new ScriptedInsights([
      () => {
        controller.abort(new Error("SIGINT"));
        return running;
      },
    ]);
    const error = await runQuery(api, input, {
      clock: new FakeClock(),
      timeoutMs: 60_000,
      signal: controller.signal,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("interrupted");
    expect(api.stopped).toEqual(["q-1"]);
  });

  it("does not start a query when already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const api = new ScriptedInsights([running]);
    const error = await runQuery(api, input, {
      clock: new FakeClock(),
      timeoutMs: 60_000,
      signal: controller.signal,
    }).catch((e) => e);
    expect(error.kind).toBe("interrupted");
    expect(api.started).toEqual([]);
  });

  it("still reports the timeout when StopQuery itself fails", async () => {
    const api = new ScriptedInsights([running]);
    api.stopQuery = async () => {
      throw new Error("InvalidParameterException: query already finished");
    };
    const error = await runQuery(api, input, { clock: new FakeClock(), timeoutMs: 3_000 }).catch(
      (e) => e,
    );
    expect(error.message).toMatch(/did not finish within 3 s/);
  });
});
