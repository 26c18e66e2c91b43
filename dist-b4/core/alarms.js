import { CloudWatchClient, DescribeAlarmsCommand, } from "@aws-sdk/client-cloudwatch";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import { mapAwsError } from "./aws-errors.js";
import { baseClientConfig } from "./clients.js";
import { StrongboxError } from "./errors.js";
/** DescribeAlarms takes at most 100 names per call. */
const NAMES_PER_CALL = 100;
const STATE_ORDER = { ALARM: 0, INSUFFICIENT_DATA: 1, OK: 2 };
/** Every alarm of the deployment, those in ALARM first, with the declared-but-missing ones listed. */
export async function listAlarms(api, selector) {
    const found = [];
    if ("names" in selector) {
        if (selector.names.length === 0) {
            throw new StrongboxError("not-found", "the config lists no alarms for this deployment", {
                hint: "apply the monitoring part of the module (output alarm_names), then run `strongbox configure --from-terraform DIR` again",
            });
        }
        for (let i = 0; i < selector.names.length; i += NAMES_PER_CALL) {
            found.push(...(await allPages(api, { names: selector.names.slice(i, i + NAMES_PER_CALL) })));
        }
    }
    else {
        found.push(...(await allPages(api, { prefix: selector.prefix })));
    }
    const byName = new Map(found.map((alarm) => [alarm.name, alarm]));
    const alarms = [...byName.values()].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name));
    const missing = "names" in selector ? selector.names.filter((name) => !byName.has(name)) : [];
    return { alarms, missing };
}
async function allPages(api, input) {
    const all = [];
    let nextToken;
    do {
        const page = await api.describeAlarms(input, nextToken);
        all.push(...page.alarms);
        nextToken = page.nextToken;
    } while (nextToken);
    return all;
}
/** The deployment's alarms as `strongbox configure` recorded them (Terraform output alarm_names). */
export function alarmSelectorOf(config) {
    return { names: config.monitoring?.alarmNames ?? [] };
}
/**
 * CloudWatch client. The SDK speaks CloudWatch's JSON protocol, which moto
 * 5.2.5 refuses ("Unsupported protocol [json] for service cloudwatch"); the
 * service still accepts the classic query protocol, so the emulator gets that.
 */
export function createCloudWatchClient(config, credentials) {
    return new CloudWatchClient({
        ...baseClientConfig(config, credentials),
        ...(config.endpoint === undefined ? {} : { protocol: AwsQueryProtocol }),
    });
}
/** AlarmsApi over the SDK's CloudWatch client. */
export function alarmsApi(client, signal) {
    return {
        async describeAlarms(input, nextToken) {
            let out;
            try {
                out = await client.send(new DescribeAlarmsCommand({
                    ...("names" in input ? { AlarmNames: input.names } : { AlarmNamePrefix: input.prefix }),
                    AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
                    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
                }), signal === undefined ? undefined : { abortSignal: signal });
            }
            catch (err) {
                throw mapAwsError(err, { action: "ReadAudit", role: "admin" });
            }
            const metric = (out.MetricAlarms ?? []).map((alarm) => summaryOf(alarm, "metric", alarm.MetricName === undefined
                ? undefined
                : `${alarm.Namespace ?? ""}/${alarm.MetricName}`));
            const composite = (out.CompositeAlarms ?? []).map((alarm) => summaryOf(alarm, "composite", undefined));
            return {
                alarms: [...metric, ...composite],
                ...(out.NextToken ? { nextToken: out.NextToken } : {}),
            };
        },
    };
}
function summaryOf(alarm, kind, metric) {
    return {
        name: alarm.AlarmName ?? "",
        kind,
        state: (alarm.StateValue ?? "INSUFFICIENT_DATA"),
        reason: alarm.StateReason ?? "",
        since: alarm.StateUpdatedTimestamp?.toISOString(),
        metric,
        actionsEnabled: alarm.ActionsEnabled ?? false,
    };
}
