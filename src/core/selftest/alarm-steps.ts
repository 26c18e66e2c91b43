import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { PARTITION_PATTERN } from "../arn.js";
import { runAudit } from "../audit/audit.js";
import { createLogsClient, insightsApi } from "../audit/aws.js";
import type { StrongboxConfig } from "../config.js";
import type { RoleSession } from "../session/types.js";
import { notificationsDelivered } from "./delivery-step.js";
import { EMULATOR_GAPS, isOutcome, prefixOf, type SelftestEnv, sessionOr } from "./env.js";
import { cloudWatchFor, presigned, refusedBy } from "./request.js";
import { fail, pass, type SelftestStep, skipped } from "./runner.js";

/** Monitoring: the alarms exist, a burst of refusals raises one, it notifies, the audit sees it. */

/** CloudWatch's history line of an alarm action that published to the topic (in any partition). */
const PUBLISHED = new RegExp(`Successfully executed action arn:${PARTITION_PATTERN}:sns`, "i");

/** The failed-uploads alarm among the deployment's alarm names. */
export function failedUploadsAlarmOf(config: StrongboxConfig): string | undefined {
  return config.monitoring?.alarmNames.find((name) => /fail\w*[-_ ]?upload/i.test(name));
}

const alarmsExist: SelftestStep<SelftestEnv> = {
  name: "the deployment's alarms exist",
  proves: "every alarm the deployment declares is in CloudWatch",
  async run(env) {
    const names = env.config.monitoring?.alarmNames ?? [];
    if (names.length === 0) {
      return skipped("the config lists no alarms (deployment output alarm_names)");
    }
    const session = sessionOr(env, "admin");
    if (isOutcome(session)) return session;
    const found = new Set<string>();
    const client = cloudWatchFor(env, session);
    for (let i = 0; i < names.length; i += 100) {
      const out = await client.send(
        new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) }),
      );
      for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName) found.add(alarm.AlarmName);
      }
    }
    const missing = names.filter((name) => !found.has(name));
    return missing.length === 0
      ? pass(`${names.length} alarms present`)
      : fail(`missing alarms: ${missing.join(", ")}`);
  },
};

/** Deliberately forbidden uploads by the viewer: how many S3 refused. */
async function refusedUploads(env: SelftestEnv, session: RoleSession): Promise<number> {
  let refused = 0;
  for (let i = 0; i < env.burst; i++) {
    try {
      await presigned(env, session, "PUT", `${prefixOf(env)}burst-${i}.txt`, {
        body: Buffer.from("denied"),
      });
    } catch (err) {
      if (!refusedBy(err)) throw err;
      refused++;
    }
  }
  return refused;
}

const burstRaisesAlarm: SelftestStep<SelftestEnv> = {
  name: "burst of failed uploads raises the alarm",
  proves: "CloudTrail → CloudWatch Logs → metric filter → alarm works end to end",
  async run(env) {
    if (env.emulator) return skipped(EMULATOR_GAPS.trail);
    const alarm = failedUploadsAlarmOf(env.config);
    if (alarm === undefined) {
      return skipped("the config names no failed-uploads alarm (deployment output alarm_names)");
    }
    const session = sessionOr(env, "viewer");
    if (isOutcome(session)) return session;
    const admin = sessionOr(env, "admin");
    if (isOutcome(admin)) return admin;
    const startedAt = env.clock.now();
    env.state.burstStartedAt = startedAt;
    const refused = await refusedUploads(env, session);
    if (refused < env.burst) {
      return fail(
        `${env.burst - refused} of ${env.burst} deliberately forbidden uploads were accepted`,
      );
    }
    const client = cloudWatchFor(env, admin);
    const deadline = env.clock.now() + env.alarmTimeoutMs;
    let last = "unknown";
    while (env.clock.now() < deadline) {
      const out = await client.send(new DescribeAlarmsCommand({ AlarmNames: [alarm] }));
      const state = out.MetricAlarms?.[0];
      last = state?.StateValue ?? "missing";
      if (
        state?.StateValue === "ALARM" &&
        (state.StateUpdatedTimestamp?.getTime() ?? 0) >= startedAt
      ) {
        env.state.failedUploadsAlarm = alarm;
        env.state.alarmRaisedAt = state.StateUpdatedTimestamp?.getTime();
        return pass(
          `${alarm} entered ALARM ${Math.round((env.clock.now() - startedAt) / 1000)} s after ${env.burst} refused uploads`,
        );
      }
      await env.clock.sleep(15_000, env.signal);
    }
    return fail(
      `${alarm} still ${last} after ${Math.round(env.alarmTimeoutMs / 60_000)} min (CloudTrail delivery can take up to ~15 min: try --alarm-timeout 20m)`,
    );
  },
};

const alarmNotified: SelftestStep<SelftestEnv> = {
  name: "the alarm notified the SNS topic",
  proves:
    "CloudWatch published the alarm to the admins' topic (its action history shows the publish succeeded, so the topic's key and policy let it)",
  async run(env) {
    if (env.emulator) return skipped(EMULATOR_GAPS.history);
    const alarm = env.state.failedUploadsAlarm;
    if (alarm === undefined) return skipped("needs the alarm step, which did not pass");
    const session = sessionOr(env, "admin");
    if (isOutcome(session)) return session;
    const client = cloudWatchFor(env, session);
    const deadline = env.clock.now() + 120_000;
    while (env.clock.now() < deadline) {
      const out = await client.send(
        new DescribeAlarmHistoryCommand({
          AlarmName: alarm,
          HistoryItemType: "Action",
          StartDate: new Date(env.state.burstStartedAt ?? 0),
        }),
      );
      const items = out.AlarmHistoryItems ?? [];
      const published = items.find((item) => PUBLISHED.test(item.HistorySummary ?? ""));
      if (published) return pass(published.HistorySummary ?? "published");
      const failed = items.find((item) =>
        /Failed to execute action/i.test(item.HistorySummary ?? ""),
      );
      if (failed) return fail(failed.HistorySummary ?? "the SNS action failed");
      await env.clock.sleep(10_000, env.signal);
    }
    return fail("no action in the alarm's history within 2 min of entering ALARM");
  },
};

const auditSeesBurst: SelftestStep<SelftestEnv> = {
  name: "audit finds the refused uploads",
  proves: "the saved failed-uploads query runs on Logs Insights and sees the burst",
  async run(env) {
    if (env.emulator) return skipped(EMULATOR_GAPS.insights);
    if (env.state.failedUploadsAlarm === undefined) {
      return skipped("needs the alarm step (which waits for CloudTrail delivery) to pass first");
    }
    const admin = sessionOr(env, "admin");
    if (isOutcome(admin)) return admin;
    const viewer = env.sessions.viewer;
    const result = await runAudit(
      {
        query: "failed-uploads",
        window: {
          startTime: Math.floor((env.state.burstStartedAt ?? env.clock.now()) / 1000) - 60,
          endTime: Math.floor(env.clock.now() / 1000) + 60,
        },
        filters: viewer === undefined ? {} : { principal: viewer.assumedRoleArn },
      },
      {
        region: env.config.region,
        queryNames: env.config.monitoring?.queryNames ?? {},
        logGroupName: env.config.monitoring?.logGroupName,
      },
      {
        api: insightsApi(createLogsClient(env.config, admin.credentials), {
          signal: env.signal,
        }),
        clock: env.clock,
        ...(env.signal === undefined ? {} : { signal: env.signal }),
      },
    );
    const failures = result.records.reduce((sum, r) => sum + Number(r.failures ?? 0), 0);
    return failures >= env.burst
      ? pass(`${failures} failed uploads reported by ${result.definitionName}`)
      : fail(`the query reported ${failures} failed uploads, expected at least ${env.burst}`);
  },
};

export const alarmSteps: SelftestStep<SelftestEnv>[] = [
  alarmsExist,
  burstRaisesAlarm,
  alarmNotified,
  notificationsDelivered,
  auditSeesBurst,
];
