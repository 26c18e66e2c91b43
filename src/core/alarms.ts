import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { mapAwsError } from "./aws-errors.js";
import { baseClientConfig, type Credentials } from "./clients.js";
import type { StrongboxConfig } from "./config.js";
import { StrongboxError } from "./errors.js";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";

export interface AlarmSummary {
  name: string;
  kind: "metric" | "composite";
  state: AlarmState;
  /** CloudWatch's StateReason, one sentence. */
  reason: string;
  /** When the alarm entered its current state (StateUpdatedTimestamp), ISO-8601. */
  since: string | undefined;
  /** Namespace/MetricName for metric alarms. */
  metric: string | undefined;
  actionsEnabled: boolean;
}

export interface AlarmsReport {
  alarms: AlarmSummary[];
  /** Names the deployment declares but CloudWatch does not have. */
  missing: string[];
}

export interface AlarmsPage {
  alarms: AlarmSummary[];
  nextToken?: string;
}

/** The slice of CloudWatch that `alarms` needs (adapted from the SDK below; faked in unit tests). */
export interface AlarmsApi {
  describeAlarms(
    input: { names: string[] } | { prefix: string },
    nextToken?: string,
  ): Promise<AlarmsPage>;
}

/** What identifies the deployment's alarms: Terraform's output alarm_names, else a name prefix. */
export type AlarmSelector = { names: string[] } | { prefix: string };

/** DescribeAlarms takes at most 100 names per call. */
const NAMES_PER_CALL = 100;

const STATE_ORDER: Record<AlarmState, number> = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };

export interface ListAlarmsOptions {
  /** Set when the config points at the local emulator (config.endpoint), as for `audit`. */
  emulatorEndpoint?: string | undefined;
}

/** Every alarm of the deployment, those in ALARM first, with the declared-but-missing ones listed. */
export async function listAlarms(
  api: AlarmsApi,
  selector: AlarmSelector,
  options: ListAlarmsOptions = {},
): Promise<AlarmsReport> {
  const found: AlarmSummary[] = [];
  if ("names" in selector) {
    if (selector.names.length === 0 && options.emulatorEndpoint !== undefined) {
      // As `audit` on the local stack: not a missing output to go and apply, a gap of moto's.
      throw new StrongboxError(
        "failed",
        `the local stack at ${options.emulatorEndpoint} has no CloudWatch alarms: moto lacks the CloudWatch protocol the Terraform provider speaks, so infra/envs/local creates none (create_metric_alarms = false)`,
        {
          hint: "`npm test` runs `strongbox alarms` on alarms it creates itself, and the README's \"What local mode does not emulate\" says what is proven instead; run `strongbox alarms` against a real AWS deployment for the module's alarms",
        },
      );
    }
    if (selector.names.length === 0) {
      throw new StrongboxError("not-found", "the config lists no alarms for this deployment", {
        hint: "apply the monitoring part of the module (output alarm_names), then run `strongbox configure --from-terraform DIR` again",
      });
    }
    for (let i = 0; i < selector.names.length; i += NAMES_PER_CALL) {
      found.push(...(await allPages(api, { names: selector.names.slice(i, i + NAMES_PER_CALL) })));
    }
  } else {
    found.push(...(await allPages(api, { prefix: selector.prefix })));
  }
  const byName = new Map(found.map((alarm) => [alarm.name, alarm]));
  const alarms = [...byName.values()].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name),
  );
  const missing = "names" in selector ? selector.names.filter((name) => !byName.has(name)) : [];
  return { alarms, missing };
}

async function allPages(
  api: AlarmsApi,
  input: { names: string[] } | { prefix: string },
): Promise<AlarmSummary[]> {
  const all: AlarmSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.describeAlarms(input, nextToken);
    all.push(...page.alarms);
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** The deployment's alarms as `strongbox configure` recorded them (Terraform output alarm_names). */
export function alarmSelectorOf(config: StrongboxConfig): AlarmSelector {
  return { names: config.monitoring?.alarmNames ?? [] };
}

/**
 * CloudWatch client. The SDK speaks CloudWatch's JSON protocol, which moto
 * 5.2.5 refuses ("Unsupported protocol [json] for service cloudwatch"); the
 * service still accepts the classic query protocol, so the emulator gets that.
 */
export function createCloudWatchClient(
  config: StrongboxConfig,
  credentials: Credentials,
): CloudWatchClient {
  return new CloudWatchClient({
    ...baseClientConfig(config, credentials),
    ...(config.endpoint === undefined ? {} : { protocol: AwsQueryProtocol }),
  });
}

/** AlarmsApi over the SDK's CloudWatch client. */
export function alarmsApi(client: CloudWatchClient, signal?: AbortSignal): AlarmsApi {
  return {
    async describeAlarms(input, nextToken) {
      let out: DescribeAlarmsCommandOutput;
      try {
        out = await client.send(
          new DescribeAlarmsCommand({
            ...("names" in input ? { AlarmNames: input.names } : { AlarmNamePrefix: input.prefix }),
            AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
          signal === undefined ? undefined : { abortSignal: signal },
        );
      } catch (err) {
        throw mapAwsError(err, { action: "ReadAudit", role: "admin" });
      }
      const metric = (out.MetricAlarms ?? []).map((alarm) =>
        summaryOf(
          alarm,
          "metric",
          alarm.MetricName === undefined
            ? undefined
            : `${alarm.Namespace ?? ""}/${alarm.MetricName}`,
        ),
      );
      const composite = (out.CompositeAlarms ?? []).map((alarm) =>
        summaryOf(alarm, "composite", undefined),
      );
      return {
        alarms: [...metric, ...composite],
        ...(out.NextToken ? { nextToken: out.NextToken } : {}),
      };
    },
  };
}

/** What a metric and a composite alarm have in common, as the summary shows it. */
interface AlarmFields {
  AlarmName?: string | undefined;
  StateValue?: string | undefined;
  StateReason?: string | undefined;
  StateUpdatedTimestamp?: Date | undefined;
  ActionsEnabled?: boolean | undefined;
}

function summaryOf(
  alarm: AlarmFields,
  kind: AlarmSummary["kind"],
  metric: string | undefined,
): AlarmSummary {
  return {
    name: alarm.AlarmName ?? "",
    kind,
    state: (alarm.StateValue ?? "INSUFFICIENT_DATA") as AlarmState,
    reason: alarm.StateReason ?? "",
    since: alarm.StateUpdatedTimestamp?.toISOString(),
    metric,
    actionsEnabled: alarm.ActionsEnabled ?? false,
  };
}
