import { CloudWatchClient, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliSandbox } from "./cli-helpers.js";
import { outputValue } from "./support/stack.js";

/*
 * `strongbox alarms` against the alarms Terraform deployed: one alarm is put
 * into ALARM with SetAlarmState (moto's metric filters never count, since its
 * CloudTrail delivers nothing to Logs), read back through the command, and
 * restored.
 */
describe("strongbox alarms on the local stack", () => {
  let sb: Awaited<ReturnType<typeof cliSandbox>>;
  let cloudwatch: CloudWatchClient;
  let alarmNames: string[];
  let target: string;
  const reason = `strongbox integration test ${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    sb = await cliSandbox();
    const login = await sb.run(["login", "--role", "admin", "--profile", "local-admin"]);
    expect(login.code, login.stderr).toBe(0);
    alarmNames = outputValue<string[]>(sb.stack, "alarm_names");
    expect(alarmNames.length).toBeGreaterThan(0);
    target = alarmNames.find((n) => /fail\w*[-_]?upload/i.test(n)) ?? (alarmNames[0] as string);
    const admin = sb.stack.demoPrincipals.admin;
    cloudwatch = new CloudWatchClient({
      region: outputValue<string>(sb.stack, "region"),
      endpoint: sb.stack.endpoint,
      credentials: { accessKeyId: admin.access_key_id, secretAccessKey: admin.secret_access_key },
      // moto 5.2.5 refuses CloudWatch's JSON protocol (see src/core/alarms.ts).
      protocol: AwsQueryProtocol,
    });
  });

  afterAll(async () => {
    await cloudwatch?.send(
      new SetAlarmStateCommand({
        AlarmName: target,
        StateValue: "OK",
        StateReason: "restored by the test",
      }),
    );
  });

  it("lists every alarm of the deployment, none missing", async () => {
    const r = await sb.run(["alarms", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report.missing).toEqual([]);
    expect(report.alarms.map((a: { name: string }) => a.name).sort()).toEqual(
      [...alarmNames].sort(),
    );
    for (const alarm of report.alarms) {
      expect(["OK", "ALARM", "INSUFFICIENT_DATA"]).toContain(alarm.state);
      expect(alarm.kind).toBe("metric");
      expect(alarm.actionsEnabled).toBe(true);
    }
  });

  it("shows an alarm set to ALARM with its reason and since when, first in the list", async () => {
    const before = Date.now();
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: target, StateValue: "ALARM", StateReason: reason }),
    );
    const r = await sb.run(["alarms", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    const firing = report.alarms.filter((a: { state: string }) => a.state === "ALARM");
    expect(firing.map((a: { name: string }) => a.name)).toContain(target);
    expect(report.alarms[0].state).toBe("ALARM");
    const shown = report.alarms.find((a: { name: string }) => a.name === target);
    expect(shown.reason).toBe(reason);
    const since = Date.parse(shown.since);
    expect(since).toBeGreaterThanOrEqual(before - 5_000);
    expect(since).toBeLessThanOrEqual(Date.now() + 5_000);

    const human = await sb.run(["alarms"]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^ALARM\\s+${target}\\s+\\S+Z\\s+${reason}$`, "m"));
    expect(human.stdout).toMatch(/alarms?, [1-9]\d* in ALARM$/m);
  });

  it("reads the state back after it returns to OK", async () => {
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: target,
        StateValue: "OK",
        StateReason: "back to normal",
      }),
    );
    const r = await sb.run(["alarms", "--json"]);
    const shown = r.json().alarms.find((a: { name: string }) => a.name === target);
    expect(shown).toMatchObject({ state: "OK", reason: "back to normal" });
  });
});
