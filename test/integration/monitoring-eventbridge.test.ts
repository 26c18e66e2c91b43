import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  DescribeRuleCommand,
  EventBridgeClient,
  TestEventPatternCommand,
} from "@aws-sdk/client-eventbridge";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTestStack, outputValue, type TestStack } from "./support/stack.js";

/**
 * The EventBridge rule as Terraform deployed it, read back from the emulator,
 * judged by the emulator's own pattern engine (TestEventPattern) against
 * CloudTrail records in the documented format.
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
  eventTime: string;
  awsRegion: string;
  recipientAccountId: string;
  eventID: string;
  [field: string]: unknown;
}

/** A fixture with the deployed stack's names in place of the ones it was written with. */
function loadFixture(name: string, stack: TestStack): CloudTrailRecord {
  let text = readFileSync(join(fixturesDir, `${name}.json`), "utf8");
  // Longest first: the main bucket's name is a suffix of neither log bucket's, but be safe.
  const renames: [string, string][] = [
    [fixtureNames.accessLogBucket, outputValue<string>(stack, "access_log_bucket_name")],
    [fixtureNames.trailLogBucket, outputValue<string>(stack, "trail_log_bucket_name")],
    [fixtureNames.bucket, outputValue<string>(stack, "bucket_name")],
  ];
  for (const [from, to] of renames) text = text.replaceAll(from, to);
  return JSON.parse(text) as CloudTrailRecord;
}

/** The envelope EventBridge puts around a CloudTrail record ("AWS API Call via CloudTrail"). */
function asEventBridgeEvent(record: CloudTrailRecord): string {
  return JSON.stringify({
    version: "0",
    id: record.eventID,
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${record.eventSource.split(".")[0]}`,
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  });
}

describe("EventBridge rule for per-call notifications (moto TestEventPattern)", () => {
  let stack: TestStack;
  let client: EventBridgeClient;
  let deployedPattern: string;

  beforeAll(async () => {
    stack = loadTestStack();
    const admin = stack.demoPrincipals.admin;
    client = new EventBridgeClient({
      endpoint: stack.endpoint,
      region: outputValue<string>(stack, "region"),
      credentials: { accessKeyId: admin.access_key_id, secretAccessKey: admin.secret_access_key },
    });
    const rule = await client.send(
      new DescribeRuleCommand({ Name: outputValue<string>(stack, "event_rule_name") }),
    );
    if (!rule.EventPattern) throw new Error("the deployed rule has no event pattern");
    deployedPattern = rule.EventPattern;
  });

  it("has a fixture expectation for every fixture file, and a file for every expectation", () => {
    const files = readdirSync(fixturesDir)
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.slice(0, -".json".length))
      .sort();
    expect(files).toEqual(Object.keys(expectedMatch).sort());
  });

  it("is deployed on the main bucket, for CloudTrail-recorded S3 calls", () => {
    const pattern = JSON.parse(deployedPattern) as {
      source: string[];
      "detail-type": string[];
      detail: { requestParameters: { bucketName: string[] } };
    };
    expect(pattern.source).toEqual(["aws.s3"]);
    expect(pattern["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(pattern.detail.requestParameters.bucketName).toEqual([
      outputValue<string>(stack, "bucket_name"),
    ]);
  });

  it.each(Object.entries(expectedMatch))("%s → matches: %s", async (name, shouldMatch) => {
    const event = asEventBridgeEvent(loadFixture(name, stack));
    const result = await client.send(
      new TestEventPatternCommand({ EventPattern: deployedPattern, Event: event }),
    );
    expect(result.Result).toBe(shouldMatch);
  });
});
