import {
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { EMULATOR_GAPS, isOutcome, type SelftestEnv, sessionOr } from "./env.js";
import { cloudWatchFor } from "./request.js";
import { fail, pass, type SelftestStep, skipped } from "./runner.js";

/**
 * Does a notification reach a person? Reading one back would take a subscriber
 * the selftest would have to create; SNS and EventBridge count what they
 * deliver instead (CloudWatch metrics, a minute apart, a few minutes late):
 * the alerts topic's deliveries to its subscribers since the burst, and the
 * per-call rule's invocations of its topic. Nothing delivered while an alarm
 * was published means no subscription is confirmed.
 */

/** SNS and EventBridge publish their counts every minute, a few minutes late. */
const METRICS_WAIT_MS = 6 * 60_000;
const POLL_MS = 30_000;

type Counts = Record<"delivered" | "failed" | "invoked" | "invokeFailed", number>;

const topicNameOf = (arn: string) => arn.slice(arn.lastIndexOf(":") + 1);

function queries(topicName: string, ruleName: string | undefined): MetricDataQuery[] {
  const sum = (id: string, Namespace: string, MetricName: string, Name: string, Value: string) => ({
    Id: id,
    MetricStat: {
      Metric: { Namespace, MetricName, Dimensions: [{ Name, Value }] },
      Period: 60,
      Stat: "Sum",
    },
    ReturnData: true,
  });
  return [
    sum("delivered", "AWS/SNS", "NumberOfNotificationsDelivered", "TopicName", topicName),
    sum("failed", "AWS/SNS", "NumberOfNotificationsFailed", "TopicName", topicName),
    ...(ruleName === undefined
      ? []
      : [
          sum("invoked", "AWS/Events", "Invocations", "RuleName", ruleName),
          sum("invokeFailed", "AWS/Events", "FailedInvocations", "RuleName", ruleName),
        ]),
  ];
}

/** Each query's values summed over the window (a metric with no data point counts 0). */
function countsOf(results: MetricDataResult[]): Counts {
  const counts: Counts = { delivered: 0, failed: 0, invoked: 0, invokeFailed: 0 };
  for (const result of results) {
    const id = result.Id as keyof Counts;
    if (id in counts) counts[id] += (result.Values ?? []).reduce((a, b) => a + b, 0);
  }
  return counts;
}

function describe(counts: Counts, topicName: string, ruleName: string | undefined): string {
  const sns = `${topicName}: ${counts.delivered} delivered to subscribers, ${counts.failed} failed`;
  return ruleName === undefined
    ? sns
    : `${sns}; rule ${ruleName}: ${counts.invoked} invocations of its topic, ${counts.invokeFailed} failed`;
}

export const notificationsDelivered: SelftestStep<SelftestEnv> = {
  name: "a person receives the notification",
  proves:
    "SNS delivered the alarm to the alerts topic's subscribers, and EventBridge published the per-call notices (their delivery counts)",
  async run(env) {
    if (env.emulator) return skipped(EMULATOR_GAPS.metrics);
    const topicArn = env.config.monitoring?.topicArn;
    if (topicArn === undefined)
      return skipped("the config names no alerts topic (output sns_topic_arn)");
    if (env.state.alarmRaisedAt === undefined) {
      return skipped("needs the alarm step, which did not pass");
    }
    const session = sessionOr(env, "admin");
    if (isOutcome(session)) return session;
    const client = cloudWatchFor(env, session);
    const topicName = topicNameOf(topicArn);
    const ruleName = env.config.monitoring?.eventRuleName;
    const since = new Date((env.state.burstStartedAt ?? env.state.alarmRaisedAt) - 60_000);
    const deadline = env.clock.now() + METRICS_WAIT_MS;
    let counts: Counts;
    for (;;) {
      const out = await client.send(
        new GetMetricDataCommand({
          MetricDataQueries: queries(topicName, ruleName),
          StartTime: since,
          EndTime: new Date(env.clock.now() + 60_000),
        }),
      );
      counts = countsOf(out.MetricDataResults ?? []);
      if (counts.failed > 0 || counts.invokeFailed > 0) {
        return fail(
          `${describe(counts, topicName, ruleName)} (see the topic's delivery status logs)`,
        );
      }
      const published = ruleName === undefined || counts.invoked > 0;
      if (counts.delivered > 0 && published) return pass(describe(counts, topicName, ruleName));
      if (env.clock.now() >= deadline) break;
      await env.clock.sleep(POLL_MS, env.signal);
    }
    return fail(
      counts.delivered === 0
        ? `nothing delivered from ${topicName} within ${METRICS_WAIT_MS / 60_000} min of the alarm: is a subscription confirmed? (\`aws sns list-subscriptions-by-topic --topic-arn ${topicArn}\`; an e-mail subscription waits for its link to be followed)`
        : `${describe(counts, topicName, ruleName)}: the rule invoked its topic not once within ${METRICS_WAIT_MS / 60_000} min`,
    );
  },
};
