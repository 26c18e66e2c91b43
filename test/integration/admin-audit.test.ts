import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { beforeAll, describe, expect, it } from "vitest";
import { toRecords } from "../../src/core/audit/audit.js";
import { insightsApi } from "../../src/core/audit/aws.js";
import { systemClock } from "../../src/core/audit/insights.js";
import { runQuery } from "../../src/core/audit/runner.js";
import { cliSandbox } from "./cli-helpers.js";
import { type CloudTrailRecord, cloudTrailFixtures } from "./support/cloudtrail-fixtures.js";
import { outputValue } from "./support/stack.js";

/*
 * `strongbox audit` against the local stack. The CloudTrail fixtures (the
 * documented record format) are written into the trail's log group, as
 * CloudTrail's delivery to CloudWatch Logs would, then read back through
 * Logs Insights' StartQuery/GetQueryResults on the emulator.
 *
 * What moto 5.2.5 executes of Logs Insights (found by running it): `fields`
 * of the built-in @timestamp/@message/@logStream/@log, `sort`, `limit`, and
 * the time window. It ignores `filter`, `stats`, `parse` and aliases, extracts
 * no JSON fields, has no saved query definitions (PutQueryDefinition,
 * DescribeQueryDefinitions and StopQuery raise NotImplementedError), so the
 * local stack deploys none (create_query_definitions = false). The saved
 * queries are therefore checked structurally only here (the module's tofu
 * tests); they run for real only on AWS (`strongbox selftest` step "audit
 * finds the refused uploads").
 */

describe("strongbox audit on the local stack", () => {
  let sb: Awaited<ReturnType<typeof cliSandbox>>;
  let logs: CloudWatchLogsClient;
  let logGroupName: string;
  let fixtures: CloudTrailRecord[];
  const stream = `strongbox-admin-it-${process.pid}-${Date.now()}`;
  /** The fixtures' log timestamps: one second apart, ending a minute ago. */
  let firstMs: number;
  let lastMs: number;

  beforeAll(async () => {
    sb = await cliSandbox();
    const login = await sb.run(["login", "--role", "admin", "--profile", "local-admin"]);
    expect(login.code, login.stderr).toBe(0);
    const stack = sb.stack;
    logGroupName = outputValue<string>(stack, "trail_log_group_name");
    const admin = stack.demoPrincipals.admin;
    logs = new CloudWatchLogsClient({
      region: outputValue<string>(stack, "region"),
      endpoint: stack.endpoint,
      credentials: { accessKeyId: admin.access_key_id, secretAccessKey: admin.secret_access_key },
    });
    fixtures = cloudTrailFixtures(stack);
    await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: stream }));
    lastMs = Date.now() - 60_000;
    firstMs = lastMs - (fixtures.length - 1) * 1000;
    await logs.send(
      new PutLogEventsCommand({
        logGroupName,
        logStreamName: stream,
        logEvents: fixtures.map((record, i) => ({
          timestamp: firstMs + i * 1000,
          message: JSON.stringify(record),
        })),
      }),
    );
  });

  it("the fixture records are in the trail's log group", async () => {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName, logStreamNames: [stream] }),
    );
    expect(page.events?.map((e) => JSON.parse(e.message ?? "{}").eventID)).toEqual(
      fixtures.map((f) => f.eventID),
    );
  });

  it("the query runner drives StartQuery/GetQueryResults: window, newest first, limit", async () => {
    const api = insightsApi(logs);
    const out = await runQuery(
      api,
      {
        logGroupNames: [logGroupName],
        queryString: "fields @timestamp, @message, @logStream\n| sort @timestamp desc\n| limit 5",
        startTime: Math.floor(firstMs / 1000) - 1,
        endTime: Math.floor(lastMs / 1000) + 1,
      },
      { clock: systemClock, timeoutMs: 30_000, initialDelayMs: 100 },
    );
    expect(out.status).toBe("Complete");
    const { columns, records } = toRecords(out.results);
    expect(columns).toEqual(expect.arrayContaining(["@timestamp", "@message", "@logStream"]));
    expect(columns).not.toContain("@ptr");
    const ours = records.filter((r) => r["@logStream"] === stream);
    expect(ours).toHaveLength(5);
    // moto prints @timestamp as epoch ms; the records carry ISO-8601 like on AWS.
    expect(ours[0]?.["@timestamp"]).toBe(new Date(lastMs).toISOString());
    // Newest first: the last five fixtures, in reverse.
    expect(ours.map((r) => JSON.parse(r["@message"] ?? "{}").eventID)).toEqual(
      fixtures
        .slice(-5)
        .reverse()
        .map((f) => f.eventID),
    );
  });

  it("a window before the events finds none of them", async () => {
    const out = await runQuery(
      insightsApi(logs),
      {
        logGroupNames: [logGroupName],
        queryString: "fields @timestamp, @logStream",
        startTime: Math.floor(firstMs / 1000) - 7200,
        endTime: Math.floor(firstMs / 1000) - 3600,
      },
      { clock: systemClock, timeoutMs: 30_000, initialDelayMs: 100 },
    );
    expect(toRecords(out.results).records.filter((r) => r["@logStream"] === stream)).toEqual([]);
  });

  it("moto ignores filter (why the saved queries are structural-only here): pinned so an upgrade that implements it is noticed", async () => {
    const out = await runQuery(
      insightsApi(logs),
      {
        logGroupNames: [logGroupName],
        queryString:
          'fields @timestamp, @logStream\n| filter eventName = "NoSuchEventName"\n| limit 1000',
        startTime: Math.floor(firstMs / 1000) - 1,
        endTime: Math.floor(lastMs / 1000) + 1,
      },
      { clock: systemClock, timeoutMs: 30_000, initialDelayMs: 100 },
    );
    // A real engine returns nothing; moto returns every event in the window.
    expect(toRecords(out.results).records.filter((r) => r["@logStream"] === stream)).toHaveLength(
      fixtures.length,
    );
  });

  it("`strongbox audit` on the emulator says plainly that saved queries cannot run there", async () => {
    const r = await sb.run(["audit", "failed-uploads", "--since", "1h", "--json"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.json().error.message).toMatch(
      /^the local emulator at http:\/\/127\.0\.0\.1:\d+\/? has no Logs Insights saved queries, so "failed-uploads" cannot run there$/,
    );
    expect(r.json().error.hint).toMatch(/real AWS deployment/);
  });

  it.each([
    [["audit", "denied", "--principal", 'alice" or "1"="1'], /--principal/],
    [["audit", "activity", "--key", "a\nb"], /--key must not contain control characters/],
    [["audit", "--since", "24hours"], /--since "24hours" is not a duration/],
    [["audit", "sessions", "--limit", "0"], /--limit/],
    [["audit", "everything"], /'everything' is invalid/],
  ])("usage errors exit 2 before any AWS call: %j", async (args, message) => {
    const r = await sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
