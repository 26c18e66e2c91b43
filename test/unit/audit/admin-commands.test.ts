import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../../src/cli/args.js";
import { registerAccess, renderAccess } from "../../../src/cli/commands/access.js";
import { registerAlarms, renderAlarms } from "../../../src/cli/commands/alarms.js";
import {
  type AuditOptions,
  registerAudit,
  renderAudit,
  startSpinner,
} from "../../../src/cli/commands/audit.js";
import { registerSelftest, renderSelftest } from "../../../src/cli/commands/selftest.js";
import type { CommandContext, CommandDeps, Invocation } from "../../../src/cli/context.js";
import { buildContract } from "../../../src/core/access/contract.js";
import { buildAccessReport } from "../../../src/core/access/report.js";
import type { AuditResult } from "../../../src/core/audit/audit.js";
import { StrongboxError } from "../../../src/core/errors.js";
import { evaluatedAsContract } from "../access/evaluated-cells.js";
import { TARGET } from "../access/reference-policies.js";

/** Parses argv with a context that records the invocation instead of running it. */
async function parse(argv: string[]): Promise<{ command: string; options: unknown }> {
  let recorded: { command: string; options: unknown } | undefined;
  const ctx: CommandContext = {
    async run<O, R>(_cmd: Command, inv: Invocation<O, R>) {
      recorded = { command: inv.command, options: inv.options };
    },
  };
  const program = buildProgram(
    ctx,
    [registerAudit, registerAlarms, registerAccess, registerSelftest],
    { writeOut: () => {}, writeErr: () => {} },
  );
  await program.parseAsync(argv, { from: "user" });
  if (recorded === undefined) throw new Error("no command ran");
  return recorded;
}

const auditDefaults: AuditOptions = {
  query: "activity",
  since: "24h",
  key: undefined,
  principal: undefined,
  limit: undefined,
  timeoutSeconds: 120,
};

describe("argv → options (admin commands)", () => {
  it.each([
    [["audit"], { command: "audit", options: auditDefaults }],
    [
      ["audit", "failed-uploads", "--since", "7d", "--principal", "alice@example.com"],
      {
        command: "audit",
        options: {
          ...auditDefaults,
          query: "failed-uploads",
          since: "7d",
          principal: "alice@example.com",
        },
      },
    ],
    [
      ["audit", "activity", "--key", 'odd "name".txt', "--limit", "50", "--timeout", "30"],
      {
        command: "audit",
        options: { ...auditDefaults, key: 'odd "name".txt', limit: 50, timeoutSeconds: 30 },
      },
    ],
    [
      ["audit", "top-callers", "--since", "2026-11-01T00:00:00Z"],
      {
        command: "audit",
        options: { ...auditDefaults, query: "top-callers", since: "2026-11-01T00:00:00Z" },
      },
    ],
    [["alarms"], { command: "alarms", options: {} }],
    [["access"], { command: "access", options: { engine: "auto" } }],
    [["access", "--engine", "local"], { command: "access", options: { engine: "local" } }],
    [["selftest"], { command: "selftest", options: { burst: 10, alarmTimeoutSeconds: 1200 } }],
    [
      ["selftest", "--burst", "25", "--alarm-timeout", "30m"],
      { command: "selftest", options: { burst: 25, alarmTimeoutSeconds: 1800 } },
    ],
  ])("%j", async (argv, expected) => {
    expect(await parse(argv)).toEqual(expected);
  });

  it.each([
    [["audit", "--since", "yesterday"], /--since "yesterday" is not a duration/],
    [["audit", "--principal", "a b"], /--principal/],
    [["audit", "--key", ""], /--key must not be empty/],
    [["audit", "--timeout", "0"], /--timeout/],
    [["selftest", "--burst", "-1"], /--burst/],
  ])("%j is a usage error", async (argv, message) => {
    const error = await parse(argv).catch((e) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error.kind).toBe("usage");
    expect(error.message).toMatch(message);
  });

  it("refuses an unknown query name and an unknown engine (commander)", async () => {
    await expect(parse(["audit", "everything"])).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
    await expect(parse(["access", "--engine", "magic"])).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
  });
});

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
    const text = renderAccess(buildAccessReport(results, "aws-iam-simulator", "caveat"));
    expect(text).toMatch(/^engine: aws-iam-simulator — AWS IAM policy simulator/);
    expect(text).toMatch(/^note: caveat$/m);
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
