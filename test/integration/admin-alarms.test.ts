import { readFile, writeFile } from "node:fs/promises";
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliSandbox } from "./cli-helpers.js";
import { outputValue } from "./support/stack.js";

/*
 * `strongbox alarms` against CloudWatch on the emulator: one alarm is put into
 * ALARM with SetAlarmState (moto's metric filters never count, since its
 * CloudTrail delivers nothing to Logs), read back through the command, and
 * restored. envs/local cannot create the module's alarms (moto lacks the
 * CloudWatch protocol the provider speaks), so this file creates two alarms
 * shaped like them, names them in its config as `configure` would, and
 * deletes them afterwards. The module's alarms are `selftest`'s in AWS.
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
    expect(outputValue<string[]>(sb.stack, "alarm_names")).toEqual([]);
    const admin = sb.stack.demoPrincipals.admin;
    cloudwatch = new CloudWatchClient({
      region: outputValue<string>(sb.stack, "region"),
      endpoint: sb.stack.endpoint,
      credentials: { accessKeyId: admin.access_key_id, secretAccessKey: admin.secret_access_key },
      // moto 5.2.5 refuses CloudWatch's JSON protocol (see src/core/alarms.ts).
      protocol: AwsQueryProtocol,
    });
    const topic = outputValue<string>(sb.stack, "sns_topic_arn");
    alarmNames = ["failed-uploads", "access-denied"].map((n) => `strongbox-test-${n}`);
    for (const AlarmName of alarmNames) {
      await cloudwatch.send(
        new PutMetricAlarmCommand({
          AlarmName,
          Namespace: "Strongbox",
          MetricName: AlarmName,
          Statistic: "Sum",
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: "GreaterThanOrEqualToThreshold",
          TreatMissingData: "notBreaching",
          ActionsEnabled: true,
          AlarmActions: [topic],
          OKActions: [topic],
        }),
      );
    }
    target = alarmNames[0] as string;
    const config = JSON.parse(await readFile(sb.configPath, "utf8"));
    config.monitoring = { ...config.monitoring, alarmNames };
    await writeFile(sb.configPath, JSON.stringify(config), { mode: 0o600 });
  });

  afterAll(async () => {
    await cloudwatch?.send(new DeleteAlarmsCommand({ AlarmNames: alarmNames }));
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
