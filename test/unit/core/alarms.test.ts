import { describe, expect, it } from "vitest";
import { type AlarmSummary, type AlarmsApi, listAlarms } from "../../../src/core/alarms.js";
import { StrongboxError } from "../../../src/core/errors.js";

const alarm = (name: string, state: AlarmSummary["state"]): AlarmSummary => ({
  name,
  kind: "metric",
  state,
  reason: `${name} is ${state}`,
  since: "2026-11-28T00:00:00.000Z",
  metric: "Strongbox/FailedUploads",
  actionsEnabled: true,
});

/** CloudWatch-shaped fake: answers by exact names or prefix, `pageSize` alarms per page. */
function fakeCloudWatch(all: AlarmSummary[], pageSize = 2) {
  const calls: Array<{ input: { names: string[] } | { prefix: string }; nextToken?: string }> = [];
  const api: AlarmsApi = {
    async describeAlarms(input, nextToken) {
      calls.push(nextToken === undefined ? { input } : { input, nextToken });
      const matching = all.filter((a) =>
        "names" in input ? input.names.includes(a.name) : a.name.startsWith(input.prefix),
      );
      const start = nextToken === undefined ? 0 : Number(nextToken);
      const page = matching.slice(start, start + pageSize);
      const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
      return { alarms: page, ...(next === undefined ? {} : { nextToken: next }) };
    },
  };
  return { api, calls };
}

describe("listAlarms", () => {
  it("lists the deployment's alarms across pages, ALARM first, then by name", async () => {
    const { api } = fakeCloudWatch([
      alarm("sb-b-ok", "OK"),
      alarm("sb-a-ok", "OK"),
      alarm("sb-z-alarm", "ALARM"),
      alarm("sb-c-nodata", "INSUFFICIENT_DATA"),
      alarm("other-alarm", "ALARM"),
    ]);
    const report = await listAlarms(api, {
      names: ["sb-a-ok", "sb-b-ok", "sb-c-nodata", "sb-z-alarm"],
    });
    expect(report.alarms.map((a) => a.name)).toEqual([
      "sb-z-alarm",
      "sb-c-nodata",
      "sb-a-ok",
      "sb-b-ok",
    ]);
    expect(report.missing).toEqual([]);
  });

  it("names alarms the deployment declares but CloudWatch lacks", async () => {
    const { api } = fakeCloudWatch([alarm("sb-a", "OK")]);
    const report = await listAlarms(api, { names: ["sb-a", "sb-gone"] });
    expect(report.missing).toEqual(["sb-gone"]);
  });

  it("asks for at most 100 names per call", async () => {
    const names = Array.from({ length: 250 }, (_, i) => `sb-${String(i).padStart(3, "0")}`);
    const { api, calls } = fakeCloudWatch(
      names.map((n) => alarm(n, "OK")),
      1000,
    );
    const report = await listAlarms(api, { names });
    expect(calls.map((c) => ("names" in c.input ? c.input.names.length : -1))).toEqual([
      100, 100, 50,
    ]);
    expect(report.alarms).toHaveLength(250);
  });

  it("selects by prefix when the config has no alarm names", async () => {
    const { api } = fakeCloudWatch([alarm("sb-x", "OK"), alarm("other", "ALARM")]);
    const report = await listAlarms(api, { prefix: "sb-" });
    expect(report.alarms.map((a) => a.name)).toEqual(["sb-x"]);
  });

  it("explains an empty alarm list as a missing deployment output", async () => {
    const { api, calls } = fakeCloudWatch([]);
    const error = (await listAlarms(api, { names: [] }).catch((e) => e)) as StrongboxError;
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("not-found");
    expect(error.hint).toMatch(/alarm_names/);
    expect(calls).toEqual([]);
  });

  it("on the local stack, an empty list is moto's gap, not a module to apply (exit 1, as audit)", async () => {
    const { api, calls } = fakeCloudWatch([]);
    const error = (await listAlarms(
      api,
      { names: [] },
      { emulatorEndpoint: "http://127.0.0.1:5000" },
    ).catch((e) => e)) as StrongboxError;
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("failed");
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(
      /^the local stack at http:\/\/127\.0\.0\.1:5000 has no CloudWatch alarms: moto lacks/,
    );
    expect(error.hint).toMatch(/`npm test`/);
    expect(error.hint).toMatch(/README/);
    expect(error.hint).not.toMatch(/apply the monitoring part/);
    expect(calls).toEqual([]);
  });

  it("on the local stack with alarms named in the config, lists them as usual", async () => {
    const { api } = fakeCloudWatch([alarm("sb-a", "OK")]);
    const report = await listAlarms(
      api,
      { names: ["sb-a"] },
      { emulatorEndpoint: "http://127.0.0.1:5000" },
    );
    expect(report.alarms.map((a) => a.name)).toEqual(["sb-a"]);
  });
});
