import { describe, expect, it } from "vitest";
import { StrongboxError } from "../../../../src/core/errors.js";
import {
  fail,
  pass,
  runSteps,
  type SelftestStep,
  skipped,
} from "../../../../src/core/selftest/runner.js";
import {
  EMULATOR_GAPS,
  failedUploadsAlarmOf,
  type SelftestEnv,
  selftestSteps,
} from "../../../../src/core/selftest/steps.js";
import { FakeClock } from "../audit/fakes.js";
import { selftestConfig, selftestEnv } from "./fixtures.js";

const step = (name: string, run: SelftestStep<null>["run"]): SelftestStep<null> => ({
  name,
  proves: `${name} works`,
  run,
});

describe("runSteps", () => {
  it("runs every step in order and counts pass / fail / skipped", async () => {
    const order: string[] = [];
    const clock = new FakeClock();
    const report = await runSteps(
      [
        step("a", async () => {
          order.push("a");
          clock.time += 1500;
          return pass("ok");
        }),
        step("b", async () => {
          order.push("b");
          return skipped("emulator");
        }),
        step("c", async () => {
          order.push("c");
          return fail("allowed");
        }),
      ],
      null,
      { environment: "emulator", now: () => clock.now() },
    );
    expect(order).toEqual(["a", "b", "c"]);
    expect(report.counts).toEqual({ pass: 1, fail: 1, skipped: 1 });
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ name: "a", status: "pass", durationMs: 1500 });
    expect(report.steps[2]).toMatchObject({ status: "fail", detail: "allowed", proves: "c works" });
  });

  it("turns a step's exception into its failure, without secrets, and carries on", async () => {
    const report = await runSteps(
      [
        step("throws", async () => {
          throw new Error(
            "boom https://b.s3.amazonaws.com/k?X-Amz-Signature=abcdef0123456789 AKIAABCDEFGHIJKLMNOP",
          );
        }),
        step("after", async () => pass("still ran")),
      ],
      null,
      { environment: "aws", now: Date.now },
    );
    expect(report.steps[0]?.status).toBe("fail");
    expect(report.steps[0]?.detail).not.toMatch(/abcdef0123456789|AKIAABCDEFGHIJKLMNOP/);
    expect(report.steps[0]?.detail).toMatch(/^Error: boom/);
    expect(report.steps[1]?.status).toBe("pass");
  });

  it("reports start and end of each step", async () => {
    const events: string[] = [];
    await runSteps([step("a", async () => pass("x"))], null, {
      environment: "aws",
      now: Date.now,
      onStep: (e) =>
        events.push(`${e.index + 1}/${e.total} ${e.name} ${e.result?.status ?? "start"}`),
    });
    expect(events).toEqual(["1/1 a start", "1/1 a pass"]);
  });

  it("stops with an interruption when aborted", async () => {
    const controller = new AbortController();
    const error = await runSteps(
      [
        step("a", async () => {
          controller.abort();
          throw new Error("aborted");
        }),
        step("b", async () => pass("never")),
      ],
      null,
      { environment: "aws", now: Date.now, signal: controller.signal },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("interrupted");
  });
});

const config = selftestConfig;
const env = (overrides: Partial<SelftestEnv> = {}) =>
  selftestEnv({
    sessionProblems: { uploader: "no uploader session: run `strongbox login --role uploader`" },
    ...overrides,
  });

describe("selftest steps", () => {
  it("on the emulator, names what it cannot show instead of failing or passing it", async () => {
    const report = await runSteps(selftestSteps(), env(), {
      environment: "emulator",
      now: Date.now,
    });
    const byName = Object.fromEntries(report.steps.map((s) => [s.name, s]));
    for (const name of [
      "viewer refused: put",
      "uploader refused: get",
      "uploader refused: delete",
      "uploader refused: write naming another KMS key",
      "plain HTTP refused",
      "admin refused: change bucket settings",
    ]) {
      expect(byName[name]).toMatchObject({ status: "skipped", detail: EMULATOR_GAPS.iam });
    }
    expect(byName["burst of failed uploads raises the alarm"]).toMatchObject({
      status: "skipped",
      detail: EMULATOR_GAPS.trail,
    });
    expect(byName["audit finds the refused uploads"]?.detail).toBe(EMULATOR_GAPS.insights);
    expect(byName["a person receives the notification"]?.detail).toBe(EMULATOR_GAPS.metrics);
    // Without sessions, the data steps say which login is missing.
    expect(byName["uploader puts an object"]).toMatchObject({
      status: "skipped",
      detail: "no uploader session: run `strongbox login --role uploader`",
    });
    expect(byName["viewer gets the object"]?.detail).toMatch(/upload step/);
    expect(report.counts.fail).toBe(0);
  });

  it("on AWS, a refusal step without its role's session is skipped with the login hint", async () => {
    const report = await runSteps(selftestSteps(), env({ emulator: false }), {
      environment: "aws",
      now: Date.now,
    });
    const viewerPut = report.steps.find((s) => s.name === "viewer refused: put");
    expect(viewerPut).toMatchObject({ status: "skipped" });
    expect(viewerPut?.detail).toMatch(/strongbox login --role viewer/);
    const burst = report.steps.find((s) => s.name === "burst of failed uploads raises the alarm");
    expect(burst?.detail).toMatch(/login --role viewer/);
  });

  it("finds the failed-uploads alarm among the deployment's alarms", () => {
    expect(failedUploadsAlarmOf(config)).toBe("strongbox-local-failed-uploads");
    expect(
      failedUploadsAlarmOf({
        ...config,
        monitoring: { alarmNames: ["x_failed_uploads"], queryNames: {} },
      }),
    ).toBe("x_failed_uploads");
    expect(failedUploadsAlarmOf({ ...config, monitoring: undefined })).toBeUndefined();
  });
});
