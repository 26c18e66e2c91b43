import type { StrongboxConfig } from "../config.js";
import { StrongboxError, usageError } from "../errors.js";
import type { Clock, InsightsApi, QueryDefinition, ResultField } from "./insights.js";
import type { AuditQuery } from "./queries.js";
import { narrowQuery, type QueryFilters } from "./query-text.js";
import { DEFAULT_QUERY_TIMEOUT_MS, runQuery } from "./runner.js";
import type { TimeWindow } from "./since.js";

export { AUDIT_QUERIES, AUDIT_QUERY_LABELS, type AuditQuery } from "./queries.js";

/** What the deployment told `strongbox configure` (config.monitoring). */
export interface AuditDeployment {
  region: string;
  /** Terraform output query_names: short name → query definition name. */
  queryNames: Record<string, string>;
  /** Terraform output trail_log_group_name, used when a definition names no log group. */
  logGroupName?: string | undefined;
  /** Set when the config points at the local emulator (config.endpoint). */
  emulatorEndpoint?: string | undefined;
}

/** One result row: column → value, without Insights' internal `@ptr`. */
export type AuditRecord = Record<string, string>;

export interface AuditResult {
  query: AuditQuery;
  definitionName: string;
  logGroupNames: string[];
  since: string;
  until: string;
  filters: QueryFilters;
  /** Column order as the query returned it. */
  columns: string[];
  records: AuditRecord[];
  statistics: { recordsMatched?: number; recordsScanned?: number; bytesScanned?: number };
  elapsedMs: number;
}

export interface AuditRequest {
  query: AuditQuery;
  window: TimeWindow;
  filters: QueryFilters;
  limit?: number;
  timeoutMs?: number;
}

export interface AuditRuntime {
  api: InsightsApi;
  clock: Clock;
  signal?: AbortSignal;
  onPoll?: (status: string, elapsedMs: number) => void;
}

/** The query definition name for a command-line name; Terraform maps may use `_` or `-`. */
export function definitionNameFor(query: AuditQuery, deployment: AuditDeployment): string {
  const names = deployment.queryNames;
  const candidates = [query, query.replace(/-/g, "_"), query.replace(/-/g, "")];
  for (const candidate of candidates) {
    const name = names[candidate];
    if (name !== undefined && name !== "") return name;
  }
  const known = Object.keys(names);
  if (known.length === 0 && deployment.emulatorEndpoint !== undefined) {
    throw new StrongboxError(
      "failed",
      `the local emulator at ${deployment.emulatorEndpoint} has no Logs Insights saved queries, so "${query}" cannot run there`,
      {
        hint: "moto implements neither PutQueryDefinition nor the filter/stats query language (the local stack sets create_query_definitions = false); run `strongbox audit` against a real AWS deployment",
      },
    );
  }
  throw new StrongboxError(
    "not-found",
    `the config names no saved Logs Insights query for "${query}"`,
    {
      hint:
        known.length === 0
          ? "the deployment's Terraform output query_names is missing: apply the monitoring part of the module, then run `strongbox configure --from-terraform DIR` again"
          : `the deployment's output query_names has ${known.join(", ")}; update the module or run \`strongbox configure --from-terraform DIR\` again`,
    },
  );
}

/** The saved query with exactly this name (DescribeQueryDefinitions matches by prefix). */
export async function findQueryDefinition(
  api: InsightsApi,
  name: string,
  region: string,
): Promise<QueryDefinition> {
  let nextToken: string | undefined;
  do {
    const page = await api.describeQueryDefinitions(
      nextToken === undefined ? { namePrefix: name } : { namePrefix: name, nextToken },
    );
    const exact = page.definitions.find((definition) => definition.name === name);
    if (exact) return exact;
    nextToken = page.nextToken;
  } while (nextToken);
  throw new StrongboxError(
    "not-found",
    `no saved Logs Insights query named "${name}" in ${region}`,
    {
      hint: "it is created by the Strongbox module (output query_names): check that the deployment is applied in this account and region, then run `strongbox configure --from-terraform DIR` again",
    },
  );
}

const INSIGHTS_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)$/;

/**
 * Times as ISO-8601 UTC: Logs Insights prints them as "2026-11-28 10:15:00.123"
 * (UTC, no zone), and the emulator prints @timestamp as epoch milliseconds.
 */
export function normaliseValue(field: string, value: string): string {
  const insights = INSIGHTS_TIME.exec(value);
  if (insights) return `${insights[1]}T${insights[2]}Z`;
  if (field === "@timestamp" && /^\d{12,14}$/.test(value)) {
    return new Date(Number(value)).toISOString();
  }
  return value;
}

/** Insights rows → records in column order, dropping the internal `@ptr`, times in ISO-8601. */
export function toRecords(rows: ResultField[][]): { columns: string[]; records: AuditRecord[] } {
  const columns: string[] = [];
  const records = rows.map((row) => {
    const record: AuditRecord = {};
    for (const { field, value } of row) {
      if (field === "@ptr") continue;
      if (!columns.includes(field)) columns.push(field);
      record[field] = normaliseValue(field, value);
    }
    return record;
  });
  return { columns, records };
}

export async function runAudit(
  request: AuditRequest,
  deployment: AuditDeployment,
  runtime: AuditRuntime,
): Promise<AuditResult> {
  if (request.limit !== undefined && (request.limit < 1 || request.limit > 10_000)) {
    throw usageError("--limit must be between 1 and 10000 (Logs Insights' maximum)");
  }
  if (request.query === "sessions" && request.filters.key !== undefined) {
    throw usageError("--key does not apply to the sessions query (role sessions name no object)");
  }
  const definitionName = definitionNameFor(request.query, deployment);
  const definition = await findQueryDefinition(runtime.api, definitionName, deployment.region);
  const logGroupNames =
    definition.logGroupNames.length > 0
      ? definition.logGroupNames
      : deployment.logGroupName
        ? [deployment.logGroupName]
        : [];
  if (logGroupNames.length === 0) {
    throw new StrongboxError(
      "not-found",
      `the saved query "${definitionName}" names no log group and the config has no trail log group`,
      {
        hint: "run `strongbox configure --from-terraform DIR` again (output trail_log_group_name)",
      },
    );
  }
  const queryString = narrowQuery(definition.queryString, request.filters);
  const results = await runQuery(
    runtime.api,
    {
      logGroupNames,
      queryString,
      startTime: request.window.startTime,
      endTime: request.window.endTime,
      ...(request.limit === undefined ? {} : { limit: request.limit }),
    },
    {
      clock: runtime.clock,
      timeoutMs: request.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      ...(runtime.signal ? { signal: runtime.signal } : {}),
      ...(runtime.onPoll ? { onPoll: runtime.onPoll } : {}),
    },
  );
  const { columns, records } = toRecords(results.results);
  return {
    query: request.query,
    definitionName,
    logGroupNames,
    since: new Date(request.window.startTime * 1000).toISOString(),
    until: new Date(request.window.endTime * 1000).toISOString(),
    filters: request.filters,
    columns,
    records,
    statistics: results.statistics ?? {},
    elapsedMs: results.elapsedMs,
  };
}

/** The audit settings `strongbox configure` recorded (config.monitoring). */
export function auditDeploymentOf(config: StrongboxConfig): AuditDeployment {
  return {
    region: config.region,
    queryNames: config.monitoring?.queryNames ?? {},
    logGroupName: config.monitoring?.logGroupName,
    emulatorEndpoint: config.endpoint,
  };
}
