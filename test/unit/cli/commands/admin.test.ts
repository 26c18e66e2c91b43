import { describe, expect, it } from "vitest";
import { renderAccess } from "../../../../src/cli/commands/access.js";
import { alarms, renderAlarms } from "../../../../src/cli/commands/alarms.js";
import { renderAudit, startSpinner } from "../../../../src/cli/commands/audit.js";
import { renderSelftest } from "../../../../src/cli/commands/selftest.js";
import type { CommandDeps } from "../../../../src/cli/context.js";
import { buildContract } from "../../../../src/core/access/contract.js";
import { buildAccessReport } from "../../../../src/core/access/report.js";
import type { AuditResult } from "../../../../src/core/audit/audit.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import { testConfig } from "../../../support/config.js";
import { evaluatedAsContract } from "../../core/access/evaluated-cells.js";
import { TARGET } from "../../core/access/reference-policies.js";

describe("renderers", () => {
  const audit: AuditResult = {
    query: "failed-uploads",
    definitionName: "sb/failed-uploads",
    logGroupNames: ["/sb/trail"],
    since: "2026-11-27T00:00:00.000Z",
    until: "2026-11-28T00:00:00.000Z",
    filters: { principal: "alice" },
    columns: ["principal", "key", "failures"],
    records: [
      { principal: "arn:aws:sts::1:assumed-role/u/alice", key: "a\u001b[31mred", failures: "12" },
      { principal: "arn:aws:sts::1:assumed-role/u/alice", key: "b", failures: "3" },
    ],
    statistics: {},
    elapsedMs: 1200,
  };

  it("audit: a heading, the table with numbers right-aligned, the row count", () => {
    const text = renderAudit(audit);
    const lines = text.split("\n");
    expect(lines[0]).toBe(
      "failed-uploads (sb/failed-uploads) from 2026-11-27T00:00:00.000Z to 2026-11-28T00:00:00.000Z, principal alice",
    );
    expect(lines[1]).toMatch(/^principal\s+key\s+failures$/);
    expect(lines[3]).toMatch(/\s{2}b\s+ 3$/);
    expect(lines.at(-1)).toBe("2 rows");
  });

  it("audit: log values cannot send terminal escapes (regression: hostile object keys)", () => {
    expect(renderAudit(audit)).not.toContain("\u001b");
  });

  it("audit: says so when nothing matched", () => {
    expect(renderAudit({ ...audit, records: [], columns: [] })).toMatch(/\nno matching events$/);
  });

  it("alarms: state, name, since, reason, and the missing ones", () => {
    const text = renderAlarms({
      alarms: [
        {
          name: "sb-failed-uploads",
          kind: "metric",
          state: "ALARM",
          reason: "Threshold Crossed:\n 1 datapoint",
          since: "2026-11-28T00:01:02.345Z",
          metric: "Strongbox/FailedUploads",
          actionsEnabled: true,
        },
      ],
      missing: ["sb-gone"],
    });
    expect(text).toBe(
      [
        "STATE  ALARM              SINCE                 REASON",
        "ALARM  sb-failed-uploads  2026-11-28T00:01:02Z  Threshold Crossed: 1 datapoint",
        "1 alarm, 1 in ALARM",
        "missing from CloudWatch (declared by the deployment): sb-gone",
      ].join("\n"),
    );
  });

  it("access: names the engine, marks differing cells with the contract's value", () => {
    const cells = buildContract(TARGET);
    const results = evaluatedAsContract(cells, {
      flipped: ["viewer/s3:GetObject"],
      engine: "aws-iam-simulator",
    });
    const text = renderAccess(
      buildAccessReport(results, "aws-iam-simulator", "caveat", ["the trail (configure again)"]),
    );
    expect(text).toMatch(/^engine: aws-iam-simulator — AWS IAM policy simulator/);
    expect(text).toMatch(/^note: caveat\nnot checked: the trail \(configure again\)$/m);
    expect(text).toMatch(/^get object .*\s+no\s+✗ partial \(1\/2\) \(contract: yes\)\s+yes$/m);
    expect(text).toMatch(
      /1 of \d+ cells differ from the access contract:\n {2}✗ viewer\/s3:GetObject: contract allow, deployed deny \(implicitDeny\)$/,
    );
  });

  it("selftest: one row per step and the counts", () => {
    const text = renderSelftest({
      environment: "emulator",
      ok: true,
      counts: { pass: 1, fail: 0, skipped: 1 },
      steps: [
        { name: "a", proves: "x", status: "pass", detail: "fine", durationMs: 1 },
        { name: "b", proves: "y", status: "skipped", detail: "emulator", durationMs: 0 },
      ],
    });
    expect(text.split("\n")).toEqual([
      "selftest on the local emulator",
      "RESULT   STEP  DETAIL",
      "PASS     a     fine",
      "SKIPPED  b     emulator",
      "1 passed, 0 failed, 1 skipped",
    ]);
  });
});

describe("spinner", () => {
  const depsWith = (interactive: boolean) => {
    const written: string[] = [];
    const deps = {
      interactive,
      now: () => 5_000,
      stderr: { write: (s: string) => written.push(s) },
    } as unknown as CommandDeps;
    return { deps, written };
  };

  it("draws nothing when stderr is not a TTY or --json is on", () => {
    const { deps, written } = depsWith(false);
    const spinner = startSpinner(deps, "running");
    spinner.update("running");
    spinner.stop();
    expect(written).toEqual([]);
  });

  it("draws one self-erasing line on a TTY and clears it when done", () => {
    const { deps, written } = depsWith(true);
    const spinner = startSpinner(deps, "running the denied query");
    spinner.stop();
    expect(written[0]).toBe("\r\u001b[2K⠋ running the denied query (starting, 0s)");
    expect(written.at(-1)).toBe("\r\u001b[2K");
  });
});

describe("alarms on a config that lists none", () => {
  const depsFor = (endpoint: string | undefined) => {
    const config = testConfig({
      bucket: "sb-data",
      ...(endpoint === undefined ? {} : { endpoint }),
    });
    const credentials = { accessKeyId: "ASIA", secretAccessKey: "s", sessionToken: "t" };
    return {
      config: async () => config,
      session: async () => ({ role: "admin", credentials }),
      signal: new AbortController().signal,
    } as unknown as CommandDeps;
  };
  const failure = async (endpoint: string | undefined) =>
    (await alarms({}, depsFor(endpoint)).catch((e: unknown) => e)) as StrongboxError;

  it("the local stack (an endpoint in the config): says moto has none, exit 1 as audit", async () => {
    const error = await failure("http://127.0.0.1:5000");
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toMatch(
      /^the local stack at http:\/\/127\.0\.0\.1:5000 has no CloudWatch alarms/,
    );
    expect(error.hint).toMatch(/`npm test`.*README/);
  });

  it("a real deployment: still the missing output to apply (exit 4)", async () => {
    const error = await failure(undefined);
    expect(error.exitCode).toBe(4);
    expect(error.hint).toMatch(/apply the monitoring part of the module/);
  });
});
