import { describe, expect, it } from "vitest";
import {
  type AuditDeployment,
  definitionNameFor,
  runAudit,
  toRecords,
} from "../../../../src/core/audit/audit.js";
import type { QueryDefinition } from "../../../../src/core/audit/insights.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import { FakeClock, ScriptedInsights } from "./fakes.js";

const deployment: AuditDeployment = {
  region: "us-east-1",
  queryNames: { failed_uploads: "strongbox/failed-uploads", denied: "strongbox/denied" },
  logGroupName: "/strongbox/trail",
};

const definition = (name: string, logGroupNames: string[] = []): QueryDefinition => ({
  name,
  queryDefinitionId: `id-${name}`,
  queryString: "fields @timestamp, eventName\n| stats count(*) as n by eventName",
  logGroupNames,
});

const window = { startTime: 1_000, endTime: 2_000 };

describe("definitionNameFor", () => {
  it("maps command names to Terraform's query_names keys with - or _", () => {
    expect(definitionNameFor("failed-uploads", deployment)).toBe("strongbox/failed-uploads");
    expect(definitionNameFor("denied", deployment)).toBe("strongbox/denied");
    expect(
      definitionNameFor("top-callers", { ...deployment, queryNames: { "top-callers": "x" } }),
    ).toBe("x");
  });
  it("names the missing output when the config has no query names", () => {
    const error = (() => {
      try {
        definitionNameFor("sessions", { ...deployment, queryNames: {} });
      } catch (e) {
        return e as StrongboxError;
      }
    })();
    expect(error?.kind).toBe("not-found");
    expect(error?.message).toMatch(/no saved Logs Insights query for "sessions"/);
    expect(error?.hint).toMatch(/query_names/);
    expect(error?.hint).toMatch(/configure --from-terraform/);
  });

  it("on the emulator, says it has no saved queries rather than blaming the deployment", () => {
    const error = (() => {
      try {
        definitionNameFor("denied", {
          ...deployment,
          queryNames: {},
          emulatorEndpoint: "http://127.0.0.1:4566",
        });
      } catch (e) {
        return e as StrongboxError;
      }
    })();
    expect(error?.kind).toBe("failed");
    expect(error?.message).toMatch(
      /local emulator at http:\/\/127.0.0.1:4566 has no Logs Insights saved queries/,
    );
    expect(error?.hint).toMatch(/create_query_definitions/);
  });
});

describe("toRecords", () => {
  it("writes times as ISO-8601 UTC (Insights' own format, and the emulator's epoch ms)", () => {
    const { records } = toRecords([
      [
        { field: "@timestamp", value: "2026-11-28 10:15:00.123" },
        { field: "lastSeen", value: "2026-11-28 10:16:00.000" },
        { field: "failures", value: "1795860900123" },
      ],
      [{ field: "@timestamp", value: "1795860900123" }],
    ]);
    expect(records[0]).toEqual({
      "@timestamp": "2026-11-28T10:15:00.123Z",
      lastSeen: "2026-11-28T10:16:00.000Z",
      // Only @timestamp is read as epoch milliseconds; a count stays a count.
      failures: "1795860900123",
    });
    expect(records[1]?.["@timestamp"]).toBe("2026-11-28T10:15:00.123Z");
  });

  it("keeps column order, drops @ptr, tolerates ragged rows", () => {
    const { columns, records } = toRecords([
      [
        { field: "principal", value: "alice" },
        { field: "n", value: "3" },
        { field: "@ptr", value: "opaque" },
      ],
      [
        { field: "principal", value: "bob" },
        { field: "key", value: "k" },
      ],
    ]);
    expect(columns).toEqual(["principal", "n", "key"]);
    expect(records).toEqual([
      { principal: "alice", n: "3" },
      { principal: "bob", key: "k" },
    ]);
  });
});

describe("runAudit", () => {
  it("finds the exact definition across pages, narrows it and returns records", async () => {
    const api = new ScriptedInsights(
      [
        { status: "Running", results: [] },
        {
          status: "Complete",
          results: [
            [
              { field: "eventName", value: "PutObject" },
              { field: "n", value: "2" },
            ],
          ],
          statistics: { recordsMatched: 2 },
        },
      ],
      [
        // The prefix also matches a longer name; the exact one is on page 2.
        { definitions: [definition("strongbox/failed-uploads-old")], nextToken: "1" },
        { definitions: [definition("strongbox/failed-uploads", ["/custom/group"])] },
      ],
    );
    const result = await runAudit(
      { query: "failed-uploads", window, filters: { key: "a/b" } },
      deployment,
      { api, clock: new FakeClock() },
    );
    expect(api.describeCalls).toEqual([
      { namePrefix: "strongbox/failed-uploads" },
      { namePrefix: "strongbox/failed-uploads", nextToken: "1" },
    ]);
    expect(api.started).toHaveLength(1);
    expect(api.started[0]?.logGroupNames).toEqual(["/custom/group"]);
    expect(api.started[0]?.queryString).toContain(
      '| filter requestParameters.key = "a/b"\n| stats',
    );
    expect(api.started[0]?.startTime).toBe(1_000);
    expect(result.records).toEqual([{ eventName: "PutObject", n: "2" }]);
    expect(result.columns).toEqual(["eventName", "n"]);
    expect(result.definitionName).toBe("strongbox/failed-uploads");
    expect(result.since).toBe("1970-01-01T00:16:40.000Z");
    expect(result.statistics.recordsMatched).toBe(2);
  });

  it("falls back to the trail log group when the definition names none", async () => {
    const api = new ScriptedInsights(
      [{ status: "Complete", results: [] }],
      [{ definitions: [definition("strongbox/denied")] }],
    );
    await runAudit({ query: "denied", window, filters: {} }, deployment, {
      api,
      clock: new FakeClock(),
    });
    expect(api.started[0]?.logGroupNames).toEqual(["/strongbox/trail"]);
  });

  it("says which saved query is missing in which region (regression: bare ResourceNotFound)", async () => {
    const api = new ScriptedInsights([], [{ definitions: [definition("strongbox/denied-2")] }]);
    const error = (await runAudit({ query: "denied", window, filters: {} }, deployment, {
      api,
      clock: new FakeClock(),
    }).catch((e) => e)) as StrongboxError;
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("not-found");
    expect(error.message).toBe(
      'no saved Logs Insights query named "strongbox/denied" in us-east-1',
    );
    expect(error.hint).toMatch(/query_names/);
    expect(api.started).toEqual([]);
  });

  it("refuses a limit Insights would reject, before any call", async () => {
    const api = new ScriptedInsights([]);
    await expect(
      runAudit({ query: "denied", window, filters: {}, limit: 10_001 }, deployment, {
        api,
        clock: new FakeClock(),
      }),
    ).rejects.toMatchObject({ kind: "usage" });
    expect(api.describeCalls).toEqual([]);
  });

  it("refuses --key on the sessions query (role sessions name no object)", async () => {
    const api = new ScriptedInsights([]);
    await expect(
      runAudit({ query: "sessions", window, filters: { key: "k" } }, deployment, {
        api,
        clock: new FakeClock(),
      }),
    ).rejects.toMatchObject({ kind: "usage" });
    expect(api.started).toEqual([]);
  });
});
