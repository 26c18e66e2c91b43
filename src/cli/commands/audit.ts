import { Argument, type Command } from "commander";
import {
  AUDIT_QUERIES,
  type AuditQuery,
  type AuditResult,
  auditDeploymentOf,
  runAudit,
} from "../../core/audit/audit.js";
import { systemClock } from "../../core/audit/insights.js";
import { validateKey, validatePrincipal } from "../../core/audit/query-text.js";
import { parseSince } from "../../core/audit/since.js";
import { displayKey, printable } from "../../core/text/printable.js";
import { parsePositiveInt } from "../args.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { table } from "../render.js";

export interface AuditOptions {
  query: AuditQuery;
  /** As typed ("24h", ISO instant); resolved against the clock when the command runs. */
  since: string;
  key: string | undefined;
  principal: string | undefined;
  limit: number | undefined;
  timeoutSeconds: number;
}

export const DEFAULT_AUDIT_QUERY: AuditQuery = "activity";

/** Runs one saved Logs Insights query of the deployment with the Admin session. */
export async function audit(options: AuditOptions, deps: CommandDeps): Promise<AuditResult> {
  const config = await deps.config();
  const window = parseSince(options.since, deps.now());
  const session = await deps.session("admin");
  // The SDK loads only when the command runs (help and completion stay fast).
  const { createLogsClient, insightsApi } = await import("../../core/audit/aws.js");
  const api = insightsApi(createLogsClient(config, session.credentials), {
    signal: deps.signal,
    emulatorEndpoint: config.endpoint,
  });
  const spinner = startSpinner(deps, `running the ${options.query} query`);
  try {
    return await runAudit(
      {
        query: options.query,
        window,
        filters: {
          ...(options.key === undefined ? {} : { key: options.key }),
          ...(options.principal === undefined ? {} : { principal: options.principal }),
        },
        ...(options.limit === undefined ? {} : { limit: options.limit }),
        timeoutMs: options.timeoutSeconds * 1000,
      },
      auditDeploymentOf(config),
      {
        api,
        clock: systemClock,
        signal: deps.signal,
        onPoll: (status) => spinner.update(status.toLowerCase()),
      },
    );
  } finally {
    spinner.stop();
  }
}

export function renderAudit(result: AuditResult): string {
  const filters = [
    result.filters.key === undefined ? undefined : `key ${displayKey(result.filters.key)}`,
    result.filters.principal === undefined
      ? undefined
      : `principal ${printable(result.filters.principal)}`,
  ].filter(Boolean);
  const heading = `${result.query} (${result.definitionName}) from ${result.since} to ${result.until}${
    filters.length > 0 ? `, ${filters.join(", ")}` : ""
  }`;
  if (result.records.length === 0) return `${heading}\nno matching events`;
  const rows = result.records.map((record) => result.columns.map((column) => record[column] ?? ""));
  const numeric = result.columns
    .map((column, i) =>
      result.records.every((r) => /^-?\d+(\.\d+)?$/.test(r[column] ?? "")) ? i : -1,
    )
    .filter((i) => i >= 0);
  const count = `${result.records.length} row${result.records.length === 1 ? "" : "s"}`;
  return `${heading}\n${table([result.columns, ...rows], numeric)}\n${count}`;
}

export function auditOptionsFrom(
  query: string | undefined,
  raw: { since: string; key?: string; principal?: string; limit?: string; timeout: string },
  now: number,
): AuditOptions {
  parseSince(raw.since, now); // fail with a usage error before any AWS call
  const timeoutSeconds = parsePositiveInt(raw.timeout, "timeout");
  return {
    query: (query ?? DEFAULT_AUDIT_QUERY) as AuditQuery,
    since: raw.since,
    key: raw.key === undefined ? undefined : validateKey(raw.key),
    principal: raw.principal === undefined ? undefined : validatePrincipal(raw.principal),
    limit: raw.limit === undefined ? undefined : parsePositiveInt(raw.limit, "limit"),
    timeoutSeconds,
  };
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("audit")
    .description(
      "run one of the deployment's saved Logs Insights queries over the CloudTrail log (Admin)",
    )
    .addHelpText(
      "after",
      examples(
        "strongbox audit",
        "strongbox audit denied --since 7d",
        "strongbox audit activity --key report.pdf --json",
      ),
    )
    .addArgument(
      new Argument("[query]", `which saved query (default ${DEFAULT_AUDIT_QUERY})`).choices(
        AUDIT_QUERIES,
      ),
    )
    .option(
      "--since <when>",
      "window start: a duration back from now (24h, 7d, 1h30m) or an ISO instant",
      "24h",
    )
    .option("--key <key>", "only events on this object key")
    .option("--principal <p>", "only events by this ARN, session name or SourceIdentity")
    .option("--limit <n>", "at most N rows (Logs Insights allows 10000)")
    .option("--timeout <seconds>", "give up (and stop the query) after this many seconds", "120")
    .action(
      (
        query: string | undefined,
        raw: { since: string; key?: string; principal?: string; limit?: string; timeout: string },
        cmd: Command,
      ) => {
        const options = auditOptionsFrom(query, raw, Date.now());
        return ctx.run(cmd, invocation("audit", options, audit, renderAudit));
      },
    );
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export interface Spinner {
  /** New status text (e.g. the query's status). */
  update(status: string): void;
  stop(): void;
}

/** A one-line spinner on stderr, only when stderr is a TTY and --json is off. */
export function startSpinner(deps: CommandDeps, label: string): Spinner {
  if (!deps.interactive) return { update() {}, stop() {} };
  const startedAt = deps.now();
  let frame = 0;
  let status = "starting";
  const draw = () => {
    const seconds = Math.floor((deps.now() - startedAt) / 1000);
    deps.stderr.write(
      `\r\u001b[2K${FRAMES[frame++ % FRAMES.length]} ${label} (${status}, ${seconds}s)`,
    );
  };
  draw();
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    update(next) {
      status = next;
    },
    stop() {
      clearInterval(timer);
      deps.stderr.write("\r\u001b[2K");
    },
  };
}
