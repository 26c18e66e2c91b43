import type { GetMetricDataCommand, GetMetricDataCommandOutput } from "@aws-sdk/client-cloudwatch";
import { describe, expect, it } from "vitest";
import { notificationsDelivered } from "../../../../src/core/selftest/delivery-step.js";
import type { SelftestEnv } from "../../../../src/core/selftest/env.js";
import { T0, testSession } from "../../cli/cli-fixtures.js";
import { FakeClock } from "../audit/fakes.js";
import { selftestConfig, selftestEnv } from "./fixtures.js";

/*
 * "A person receives the notification": SNS's delivery counts for the alerts
 * topic and EventBridge's invocation counts for the per-call rule, read from
 * CloudWatch (GetMetricData) until they show up or the wait ends.
 */

const TOPIC = "arn:aws:sns:us-east-1:123456789012:strongbox-alerts";
const RULE = "strongbox-bucket-activity";

type Sums = Partial<Record<"delivered" | "failed" | "invoked" | "invokeFailed", number[]>>;

/** CloudWatch answering each GetMetricData from `script` in turn (the last answer repeats). */
function metrics(script: Sums[]) {
  const asked: GetMetricDataCommand["input"][] = [];
  const client = {
    async send(command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput> {
      asked.push(command.input);
      const sums = (asked.length <= script.length ? script[asked.length - 1] : script.at(-1)) ?? {};
      return {
        $metadata: {},
        MetricDataResults: (command.input.MetricDataQueries ?? []).map((q) => ({
          Id: q.Id,
          Values: sums[q.Id as keyof Sums] ?? [],
        })),
      };
    },
  };
  return { client, asked };
}

function env(client: { send: unknown }, overrides: Partial<SelftestEnv> = {}): SelftestEnv {
  return selftestEnv({
    emulator: false,
    config: {
      ...selftestConfig,
      monitoring: { alarmNames: [], queryNames: {}, topicArn: TOPIC, eventRuleName: RULE },
    },
    sessions: { admin: testSession("admin", T0 + 3600_000) },
    clock: new FakeClock(T0),
    cloudWatch: () => client as never,
    state: { burstStartedAt: T0 - 300_000, alarmRaisedAt: T0 - 60_000 },
    ...overrides,
  });
}

describe("selftest: a person receives the notification", () => {
  it("passes once SNS has delivered and the rule has published, asking from before the burst", async () => {
    const { client, asked } = metrics([{}, { delivered: [0, 1], invoked: [3, 4] }]);
    const outcome = await notificationsDelivered.run(env(client));
    expect(outcome.status).toBe("pass");
    expect(outcome.detail).toBe(
      "strongbox-alerts: 1 delivered to subscribers, 0 failed; rule strongbox-bucket-activity: 7 invocations of its topic, 0 failed",
    );
    expect(asked).toHaveLength(2);
    expect(asked[0]?.StartTime).toEqual(new Date(T0 - 360_000));
    const dimensions = asked[0]?.MetricDataQueries?.map((q) => [
      q.MetricStat?.Metric?.Namespace,
      q.MetricStat?.Metric?.MetricName,
      q.MetricStat?.Metric?.Dimensions?.[0]?.Value,
    ]);
    expect(dimensions).toEqual([
      ["AWS/SNS", "NumberOfNotificationsDelivered", "strongbox-alerts"],
      ["AWS/SNS", "NumberOfNotificationsFailed", "strongbox-alerts"],
      ["AWS/Events", "Invocations", RULE],
      ["AWS/Events", "FailedInvocations", RULE],
    ]);
  });

  it("fails on a failed delivery, naming the counts", async () => {
    const { client } = metrics([{ delivered: [1], failed: [2], invoked: [1] }]);
    const outcome = await notificationsDelivered.run(env(client));
    expect(outcome.status).toBe("fail");
    expect(outcome.detail).toMatch(/1 delivered to subscribers, 2 failed/);
  });

  it("nothing delivered within the wait: asks whether a subscription is confirmed", async () => {
    const { client, asked } = metrics([{ invoked: [5] }]);
    const clock = new FakeClock(T0);
    const outcome = await notificationsDelivered.run(env(client, { clock }));
    expect(outcome.status).toBe("fail");
    expect(outcome.detail).toMatch(/nothing delivered from strongbox-alerts within 6 min/);
    expect(outcome.detail).toContain(`list-subscriptions-by-topic --topic-arn ${TOPIC}`);
    expect(clock.time - T0).toBe(6 * 60_000);
    expect(asked.length).toBe(13);
  });

  it("is skipped on the emulator, and without the alarm step", async () => {
    const { client, asked } = metrics([{ delivered: [1], invoked: [1] }]);
    const local = await notificationsDelivered.run(env(client, { emulator: true }));
    expect(local).toMatchObject({ status: "skipped", detail: expect.stringMatching(/moto/) });
    const noAlarm = await notificationsDelivered.run(env(client, { state: {} }));
    expect(noAlarm).toMatchObject({
      status: "skipped",
      detail: expect.stringMatching(/alarm step/),
    });
    expect(asked).toHaveLength(0);
  });
});
