import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from "@aws-sdk/client-eventbridge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CloudTrailRecord,
  cloudTrailFixture,
  cloudTrailFixtureNames,
} from "./support/cloudtrail-fixtures.js";
import { cloudTrailEvent, eventRulerMatches } from "./support/event-ruler.js";
import { loadTestStack, outputValue, type TestStack } from "./support/stack.js";

/**
 * The EventBridge rules exactly as Terraform deployed them (patterns and input
 * transformer read back from the emulator), against CloudTrail records in the
 * documented format (test/fixtures/cloudtrail).
 *
 * Which records a pattern matches is decided by AWS's own matcher, event-ruler
 * (support/event-ruler.ts). moto's engine is not the proof: its TestEventPattern
 * answers false for a plain main-bucket PutObject that event-ruler matches.
 *
 * moto still shows the deployed input transformer at work: the test copies the
 * deployed rule onto a scratch event bus whose target is a scratch log group,
 * puts a fixture there and reads back the rendered notice. The deployed rule,
 * on the default bus, never sees it.
 */

/** Which rule must match each fixture: the per-call rule, the data key's, the monitoring key's. */
type RuleName = "bucket" | "dataKey" | "monitoringKey";
const B = { bucket: true, dataKey: false, monitoringKey: false };
const DATA_KEY = { bucket: false, dataKey: true, monitoringKey: false };
const MONITORING_KEY = { bucket: false, dataKey: false, monitoringKey: true };
const NONE = { bucket: false, dataKey: false, monitoringKey: false };

const expectedMatch: Record<string, Record<RuleName, boolean>> = {
  // Main-bucket calls, data and management events, failed or refused: a notice each.
  "s3-put-object": B,
  "s3-create-multipart-upload": B,
  "s3-upload-part": B,
  "s3-complete-multipart-upload": B,
  "s3-complete-multipart-upload-invalid-part": B,
  "s3-get-object": B,
  "s3-delete-object": B,
  "s3-put-object-denied": B,
  "s3-get-object-denied": B,
  "s3-put-bucket-policy": B,
  // Other buckets (one named with the main bucket's name as a prefix), and the log buckets: never.
  "other-bucket-put-object": NONE,
  "other-bucket-put-object-denied": NONE,
  "prefix-named-bucket-put-object": NONE,
  "trail-log-bucket-put-object": NONE,
  "trail-log-bucket-get-object-denied": NONE,
  "access-log-bucket-get-object": NONE,
  // Key changes: the rule of the key concerned, however the key was named, refused or not.
  "kms-disable-key": DATA_KEY,
  "kms-put-key-policy-denied": DATA_KEY,
  "kms-schedule-key-deletion-monitoring-key": MONITORING_KEY,
  "kms-disable-key-monitoring-key-by-alias": MONITORING_KEY,
  // Another key's change, and ordinary use of a key: no rule.
  "kms-disable-key-other-key": NONE,
  "kms-decrypt-data-key": NONE,
  // Other services: the alarms watch these, not the rules.
  "cloudtrail-stop-logging": NONE,
  "iam-put-role-policy": NONE,
  "sts-assume-role-source-identity": NONE,
  "sts-assume-role-failed": NONE,
};

/** CloudTrail hands a record to EventBridge as "AWS API Call via CloudTrail" from aws.<service>. */
function putEntry(record: CloudTrailRecord, eventBusName: string) {
  return {
    EventBusName: eventBusName,
    Source: `aws.${record.eventSource.split(".")[0]}`,
    DetailType: "AWS API Call via CloudTrail",
    Detail: JSON.stringify(record),
  };
}

describe("EventBridge rules: per-call notices and key guards (event-ruler decides matches)", () => {
  const suffix = `${process.pid}-${Date.now()}`;
  const busName = `strongbox-pattern-test-${suffix}`;
  const ruleName = "deployed-pattern";
  const renderedGroup = `/strongbox-test/pattern-rendered-${suffix}`;

  let stack: TestStack;
  let events: EventBridgeClient;
  let logs: CloudWatchLogsClient;
  let deployedPattern: string;
  let deployedTarget: Target;
  const keyRulePatterns: Partial<Record<"dataKey" | "monitoringKey", string>> = {};
  const keyRuleTargets: Partial<Record<"dataKey" | "monitoringKey", string | undefined>> = {};

  const logGroupArn = (name: string) =>
    `arn:aws:logs:${outputValue<string>(stack, "region")}:${outputValue<string>(stack, "account_id")}:log-group:${name}`;

  async function messagesIn(logGroupName: string): Promise<string[]> {
    const messages: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName, nextToken }));
      for (const event of page.events ?? []) if (event.message) messages.push(event.message);
      nextToken = page.nextToken;
    } while (nextToken);
    return messages;
  }

  async function putOnScratchBus(records: CloudTrailRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const batch = records.slice(i, i + 10).map((record) => putEntry(record, busName));
      const result = await events.send(new PutEventsCommand({ Entries: batch }));
      expect(result.FailedEntryCount ?? 0).toBe(0);
    }
  }

  beforeAll(async () => {
    stack = loadTestStack();
    const region = outputValue<string>(stack, "region");
    const admin = stack.demoPrincipals.admin;
    const credentials = {
      accessKeyId: admin.access_key_id,
      secretAccessKey: admin.secret_access_key,
    };
    events = new EventBridgeClient({ endpoint: stack.endpoint, region, credentials });
    logs = new CloudWatchLogsClient({ endpoint: stack.endpoint, region, credentials });

    const deployedRuleName = outputValue<string>(stack, "event_rule_name");
    const rule = await events.send(new DescribeRuleCommand({ Name: deployedRuleName }));
    if (!rule.EventPattern) throw new Error(`the deployed rule ${deployedRuleName} has no pattern`);
    deployedPattern = rule.EventPattern;
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: deployedRuleName }));
    const target = targets.Targets?.[0];
    if (targets.Targets?.length !== 1 || !target) {
      throw new Error(`the deployed rule should have exactly one target (the SNS topic)`);
    }
    deployedTarget = target;

    const keyRules = outputValue<{ data: string; monitoring: string }>(stack, "key_rule_names");
    for (const [name, ruleName] of [
      ["dataKey", keyRules.data],
      ["monitoringKey", keyRules.monitoring],
    ] as const) {
      const keyRule = await events.send(new DescribeRuleCommand({ Name: ruleName }));
      if (!keyRule.EventPattern) throw new Error(`the deployed rule ${ruleName} has no pattern`);
      keyRulePatterns[name] = keyRule.EventPattern;
      const keyTargets = await events.send(new ListTargetsByRuleCommand({ Rule: ruleName }));
      keyRuleTargets[name] = keyTargets.Targets?.[0]?.Arn;
    }

    await events.send(new CreateEventBusCommand({ Name: busName }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: renderedGroup }));
    await events.send(
      new PutRuleCommand({ Name: ruleName, EventBusName: busName, EventPattern: deployedPattern }),
    );
  });

  afterAll(async () => {
    if (!events) return;
    await events
      .send(
        new RemoveTargetsCommand({
          Rule: ruleName,
          EventBusName: busName,
          Ids: ["rendered"],
        }),
      )
      .catch(() => undefined);
    await events
      .send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }))
      .catch(() => undefined);
    await events.send(new DeleteEventBusCommand({ Name: busName })).catch(() => undefined);
    for (const logGroupName of [renderedGroup]) {
      await logs.send(new DeleteLogGroupCommand({ logGroupName })).catch(() => undefined);
    }
  });

  it("has an expectation for every fixture file, and a file for every expectation", () => {
    expect(cloudTrailFixtureNames()).toEqual(Object.keys(expectedMatch).sort());
  });

  it("is deployed on the main bucket, for S3 calls recorded by CloudTrail, to the activity topic", () => {
    const pattern = JSON.parse(deployedPattern) as {
      source: string[];
      "detail-type": string[];
      detail: { eventSource: string[]; requestParameters: { bucketName: string[] } };
    };
    expect(pattern.source).toEqual(["aws.s3"]);
    expect(pattern["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(pattern.detail.eventSource).toEqual(["s3.amazonaws.com"]);
    expect(pattern.detail.requestParameters.bucketName).toEqual([
      outputValue<string>(stack, "bucket_name"),
    ]);
    // Per-call notices and security alarms are separate topics.
    expect(deployedTarget.Arn).toBe(outputValue<string>(stack, "activity_topic_arn"));
    expect(deployedTarget.Arn).not.toBe(outputValue<string>(stack, "sns_topic_arn"));
  });

  it("reports each key's changes on a topic the other key encrypts", () => {
    // The data key's changes go to the alarms topic (monitoring key), the
    // monitoring key's to the key-guard topic (data key).
    expect(keyRuleTargets.dataKey).toBe(outputValue<string>(stack, "sns_topic_arn"));
    expect(keyRuleTargets.monitoringKey).toBe(outputValue<string>(stack, "key_guard_topic_arn"));
  });

  it("matches, by event-ruler, exactly the records each rule must notify about", () => {
    const records = Object.fromEntries(
      Object.keys(expectedMatch).map((name) => [
        name,
        cloudTrailEvent(cloudTrailFixture(name, stack)),
      ]),
    );
    const patterns: Record<RuleName, string | undefined> = {
      bucket: deployedPattern,
      dataKey: keyRulePatterns.dataKey,
      monitoringKey: keyRulePatterns.monitoringKey,
    };
    const actual: Record<string, Record<RuleName, boolean>> = Object.fromEntries(
      Object.keys(expectedMatch).map((name) => [name, { ...NONE }]),
    );
    for (const [rule, pattern] of Object.entries(patterns) as [RuleName, string | undefined][]) {
      if (pattern === undefined) throw new Error(`no deployed pattern for ${rule}`);
      for (const [name, matched] of Object.entries(eventRulerMatches(pattern, records))) {
        const row = actual[name];
        if (row) row[rule] = matched;
      }
    }
    expect(actual).toEqual(expectedMatch);
  });

  it("renders a notice that says who, as which person, did what to which key, from where, and the error", async () => {
    if (!deployedTarget.InputTransformer)
      throw new Error("the deployed target has no input transformer");
    await events.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: busName,
        Targets: [
          {
            Id: "rendered",
            Arn: logGroupArn(renderedGroup),
            InputTransformer: deployedTarget.InputTransformer,
          },
        ],
      }),
    );
    // moto substitutes values without JSON-escaping them (real EventBridge escapes),
    // so only records whose values hold no double quote can go through it.
    const failed = cloudTrailFixture("s3-complete-multipart-upload-invalid-part", stack);
    await putOnScratchBus([failed]);

    const [notice, ...others] = (await messagesIn(renderedGroup)).map(
      (message) => JSON.parse(message) as string,
    );
    expect(others).toEqual([]);
    expect(typeof notice).toBe("string");
    const bucket = outputValue<string>(stack, "bucket_name");
    for (const part of [
      `CompleteMultipartUpload on s3://${bucket}/media/site-walkthrough-2.mp4`,
      "who: arn:aws:sts::123456789012:assumed-role/strongbox-local-uploader/alice",
      "(person: alice)",
      "from: 203.0.113.24 (undici)",
      "when: 2026-11-27T10:09:12Z us-east-1",
      "error: InvalidPart One or more of the specified parts could not be found.",
      `event: ${failed.eventID}`,
    ]) {
      expect(notice).toContain(part);
    }
  });
});
