import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * EventBridge's pattern matching as AWS implements it: event-ruler (Maven
 * Central, software.amazon.event.ruler), run by test/support/EventRulerMatch.java
 * with the jars scripts/bootstrap.sh caches (STRONGBOX_EVENT_RULER_LIB).
 * moto's engine and TestEventPattern disagree with AWS, so they prove nothing.
 */
const runner = join(import.meta.dirname, "..", "..", "support", "EventRulerMatch.java");

/** Whether `pattern` (EventBridge JSON) matches each named event. */
export function eventRulerMatches(
  pattern: string,
  events: Record<string, unknown>,
): Record<string, boolean> {
  const lib = process.env.STRONGBOX_EVENT_RULER_LIB;
  if (!lib) {
    throw new Error(
      "STRONGBOX_EVENT_RULER_LIB is not set: run through npm test (scripts/bootstrap.sh eventruler installs the jars)",
    );
  }
  const run = spawnSync("java", ["-cp", join(lib, "*"), runner], {
    input: JSON.stringify({ pattern, events }),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0) {
    throw new Error(`event-ruler failed (exit ${run.status}): ${run.stderr || run.error?.message}`);
  }
  return JSON.parse(run.stdout) as Record<string, boolean>;
}

/** A CloudTrail record as CloudTrail hands it to EventBridge ("AWS API Call via CloudTrail"). */
export function cloudTrailEvent(record: {
  eventSource: string;
  eventID: string;
  eventTime?: unknown;
  awsRegion?: unknown;
  recipientAccountId?: unknown;
}) {
  return {
    version: "0",
    id: record.eventID,
    "detail-type": "AWS API Call via CloudTrail",
    source: `aws.${record.eventSource.split(".")[0]}`,
    account: record.recipientAccountId ?? "123456789012",
    time: record.eventTime ?? "2026-11-27T10:00:00Z",
    region: record.awsRegion ?? "us-east-1",
    resources: [],
    detail: record,
  };
}
