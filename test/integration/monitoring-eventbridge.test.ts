import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
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
import { loadTestStack, outputValue, type TestStack } from "./support/stack.js";

/**
 * The per-call notification rule, exactly as Terraform deployed it (pattern and
 * input transformer read back from the emulator), judged by the emulator's own
 * EventBridge engine against CloudTrail records in the documented format.
 *
 * moto 5.2.5 does not implement TestEventPattern (it raises NotImplementedError),
 * and it cannot deliver to the deployed rule's SNS target either. So the test
 * copies the deployed pattern onto a rule on a scratch event bus whose target is
 * a scratch log group, puts every fixture on that bus, and reads back which ones
 * the engine delivered. The deployed rule, on the default bus, never sees them.
 */

const fixturesDir = join(import.meta.dirname, "..", "fixtures", "cloudtrail");

// The names the fixtures were written with (envs/local defaults in moto's account).
const fixtureNames = {
  bucket: "strongbox-local-123456789012-us-east-1",
  accessLogBucket: "strongbox-local-access-logs-123456789012-us-east-1",
  trailLogBucket: "strongbox-local-trail-logs-123456789012-us-east-1",
};

// Every fixture, and whether the per-call rule must notify for it.
const expectedMatch: Record<string, boolean> = {
  "s3-put-object": true,
  "s3-create-multipart-upload": true,
  "s3-upload-part": true,
  "s3-complete-multipart-upload": true,
  "s3-complete-multipart-upload-invalid-part": true,
  "s3-get-object": true,
  "s3-delete-object": true,
  "s3-put-object-denied": true,
  "s3-get-object-denied": true,
  "s3-put-bucket-policy": true,
  // Other buckets, and the log buckets: never.
  "other-bucket-put-object": false,
  "other-bucket-put-object-denied": false,
  "trail-log-bucket-put-object": false,
  "trail-log-bucket-get-object-denied": false,
  "access-log-bucket-get-object": false,
  // Not S3 calls: the alarms watch these, not the bucket rule.
  "cloudtrail-stop-logging": false,
  "kms-disable-key": false,
  "iam-put-role-policy": false,
  "sts-assume-role-source-identity": false,
  "sts-assume-role-failed": false,
};

interface CloudTrailRecord {
  eventSource: string;
  eventID: string;
  [field: string]: unknown;
}

/** A fixture with the deployed stack's names in place of the ones it was written with. */
function loadFixture(name: string, stack: TestStack): CloudTrailRecord {
  let text = readFileSync(join(fixturesDir, `${name}.json`), "utf8");
  const renames: [string, string][] = [
    [fixtureNames.accessLogBucket, outputValue<string>(stack, "access_log_bucket_name")],
    [fixtureNames.trailLogBucket, outputValue<string>(stack, "trail_log_bucket_name")],
    [fixtureNames.bucket, outputValue<string>(stack, "bucket_name")],
  ];
  for (const [from, to] of renames) text = text.replaceAll(from, to);
  return JSON.parse(text) as CloudTrailRecord;
}

/** CloudTrail hands a record to EventBridge as "AWS API Call via CloudTrail" from aws.<service>. */
function putEntry(record: CloudTrailRecord, eventBusName: string) {
  return {
    EventBusName: eventBusName,
    Source: `aws.${record.eventSource.split(".")[0]}`,
    DetailType: "AWS API Call via CloudTrail",
    Detail: JSON.stringify(record),
  };
}

describe("EventBridge rule for per-call notifications (moto's pattern engine)", () => {
  const suffix = `${process.pid}-${Date.now()}`;
  const busName = `strongbox-pattern-test-${suffix}`;
  const ruleName = "deployed-pattern";
  const matchedGroup = `/strongbox-test/pattern-matched-${suffix}`;
  const renderedGroup = `/strongbox-test/pattern-rendered-${suffix}`;

  let stack: TestStack;
  let events: EventBridgeClient;
  let logs: CloudWatchLogsClient;
  let deployedPattern: string;
  let deployedTarget: Target;

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

    await events.send(new CreateEventBusCommand({ Name: busName }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: matchedGroup }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: renderedGroup }));
    await events.send(
      new PutRuleCommand({ Name: ruleName, EventBusName: busName, EventPattern: deployedPattern }),
    );
    // Untransformed: the whole event arrives, so each delivery names its fixture's eventID.
    await events.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: busName,
        Targets: [{ Id: "matched", Arn: logGroupArn(matchedGroup) }],
      }),
    );
  });

  afterAll(async () => {
    if (!events) return;
    await events
      .send(
        new RemoveTargetsCommand({
          Rule: ruleName,
          EventBusName: busName,
          Ids: ["matched", "rendered"],
        }),
      )
      .catch(() => undefined);
    await events
      .send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }))
      .catch(() => undefined);
    await events.send(new DeleteEventBusCommand({ Name: busName })).catch(() => undefined);
    for (const logGroupName of [matchedGroup, renderedGroup]) {
      await logs.send(new DeleteLogGroupCommand({ logGroupName })).catch(() => undefined);
    }
  });

  it("has an expectation for every fixture file, and a file for every expectation", () => {
    const files = readdirSync(fixturesDir)
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.slice(0, -".json".length))
      .sort();
    expect(files).toEqual(Object.keys(expectedMatch).sort());
  });

  it("is deployed on the main bucket, for S3 calls recorded by CloudTrail, to the alert topic", () => {
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
    expect(deployedTarget.Arn).toBe(outputValue<string>(stack, "sns_topic_arn"));
  });

  it("matches every main-bucket record and no record of another bucket, a log bucket or another service", async () => {
    const records = Object.keys(expectedMatch).map((name) => ({
      name,
      record: loadFixture(name, stack),
    }));
    await putOnScratchBus(records.map(({ record }) => record));

    const deliveredIds = new Set(
      (await messagesIn(matchedGroup)).map(
        (message) => (JSON.parse(message) as { detail: CloudTrailRecord }).detail.eventID,
      ),
    );
    const matched = Object.fromEntries(
      records.map(({ name, record }) => [name, deliveredIds.has(record.eventID)]),
    );
    expect(matched).toEqual(expectedMatch);
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
    await events.send(
      new RemoveTargetsCommand({ Rule: ruleName, EventBusName: busName, Ids: ["matched"] }),
    );
    // moto substitutes values without JSON-escaping them (real EventBridge escapes),
    // so only records whose values hold no double quote can go through it.
    const failed = loadFixture("s3-complete-multipart-upload-invalid-part", stack);
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
