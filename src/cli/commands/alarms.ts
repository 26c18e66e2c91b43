import type { Command } from "commander";
import type { AlarmsReport } from "../../core/alarms.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { table } from "../render.js";

export type AlarmsOptions = Record<string, never>;

/** Every alarm of the deployment with its state, reason and since when (Admin session). */
export async function alarms(_options: AlarmsOptions, deps: CommandDeps): Promise<AlarmsReport> {
  const config = await deps.config();
  const session = await deps.session("admin");
  const { alarmSelectorOf, alarmsApi, createCloudWatchClient, listAlarms } = await import(
    "../../core/alarms.js"
  );
  const api = alarmsApi(createCloudWatchClient(config, session.credentials), deps.signal);
  return listAlarms(api, alarmSelectorOf(config), { emulatorEndpoint: config.endpoint });
}

export function renderAlarms(report: AlarmsReport): string {
  const rows = report.alarms.map((alarm) => [
    alarm.state,
    alarm.name,
    alarm.since === undefined ? "-" : alarm.since.replace(/\.\d{3}Z$/, "Z"),
    oneLine(alarm.reason),
  ]);
  const lines = [table([["STATE", "ALARM", "SINCE", "REASON"], ...rows])];
  const firing = report.alarms.filter((alarm) => alarm.state === "ALARM").length;
  lines.push(
    `${report.alarms.length} alarm${report.alarms.length === 1 ? "" : "s"}, ${firing} in ALARM`,
  );
  if (report.missing.length > 0) {
    lines.push(
      `missing from CloudWatch (declared by the deployment): ${report.missing.join(", ")}`,
    );
  }
  return lines.join("\n");
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("alarms")
    .description("every alarm of the deployment: state, reason, since when (Admin)")
    .addHelpText("after", examples("strongbox alarms", "strongbox alarms --json"))
    .action((_raw: unknown, cmd: Command) => {
      const options: AlarmsOptions = {};
      return ctx.run(cmd, invocation("alarms", options, alarms, renderAlarms));
    });
}
