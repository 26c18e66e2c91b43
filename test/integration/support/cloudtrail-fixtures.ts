import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { outputValue, type TestStack } from "./stack.js";

/**
 * The CloudTrail records of test/fixtures/cloudtrail (the documented record
 * format), with the deployed stack's bucket names and key ARNs in place of the
 * ones they were written with (envs/local defaults in moto's account).
 */

const fixturesDir = join(import.meta.dirname, "..", "..", "fixtures", "cloudtrail");

const written = {
  bucket: "strongbox-local-123456789012-us-east-1",
  accessLogBucket: "strongbox-local-access-logs-123456789012-us-east-1",
  trailLogBucket: "strongbox-local-trail-logs-123456789012-us-east-1",
  dataKey: "0d5f2c7e-3b8a-4f61-9c2e-7a1b4d6e8f90",
  monitoringKey: "5c3d9e1f-2a4b-4c6d-8e0f-1a2b3c4d5e6f",
};

export interface CloudTrailRecord {
  eventID: string;
  eventName: string;
  eventSource: string;
  [field: string]: unknown;
}

/** [written, deployed] pairs: key ARNs before bare key ids, the longer bucket names before the main one. */
function renames(stack: TestStack): [string, string][] {
  const keyArn = (written: string) => `arn:aws:kms:us-east-1:123456789012:key/${written}`;
  const keyId = (arn: string) => arn.slice(arn.lastIndexOf("/") + 1);
  const dataKeyArn = outputValue<string>(stack, "kms_key_arn");
  const monitoringKeyArn = outputValue<string>(stack, "monitoring_kms_key_arn");
  const trailBucket = stack.outputs.trail_log_bucket_name?.value as string | undefined;
  return [
    [keyArn(written.dataKey), dataKeyArn],
    [keyArn(written.monitoringKey), monitoringKeyArn],
    [written.dataKey, keyId(dataKeyArn)],
    [written.monitoringKey, keyId(monitoringKeyArn)],
    [written.accessLogBucket, outputValue<string>(stack, "access_log_bucket_name")],
    ...(trailBucket === undefined
      ? []
      : [[written.trailLogBucket, trailBucket] as [string, string]]),
    [written.bucket, outputValue<string>(stack, "bucket_name")],
  ];
}

function load(name: string, pairs: [string, string][]): CloudTrailRecord {
  let text = readFileSync(join(fixturesDir, `${name}.json`), "utf8");
  for (const [from, to] of pairs) text = text.replaceAll(from, to);
  return JSON.parse(text) as CloudTrailRecord;
}

/** The fixtures' names (file names without .json), sorted. */
export const cloudTrailFixtureNames = (): string[] =>
  readdirSync(fixturesDir)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.slice(0, -".json".length))
    .sort();

/** One fixture by name. */
export const cloudTrailFixture = (name: string, stack: TestStack): CloudTrailRecord =>
  load(name, renames(stack));

/** Every fixture, in name order. */
export function cloudTrailFixtures(stack: TestStack): CloudTrailRecord[] {
  const pairs = renames(stack);
  return cloudTrailFixtureNames().map((name) => load(name, pairs));
}
