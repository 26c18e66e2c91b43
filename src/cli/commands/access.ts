import { type Command, Option } from "commander";
import type { EngineChoice } from "../../core/access/check.js";
import type { AccessReport } from "../../core/access/report.js";
import { type CommandContext, type CommandDeps, invocation } from "../context.js";
import { examples } from "../help.js";
import { table } from "../render.js";

export interface AccessOptions {
  /** auto: IAM's simulator in a real account, the local engine on the emulator. */
  engine: EngineChoice;
}

/** The role × capability matrix from the policies as deployed, checked against the contract (Admin). */
export async function access(options: AccessOptions, deps: CommandDeps): Promise<AccessReport> {
  const config = await deps.config();
  const session = await deps.session("admin");
  const { checkAccess } = await import("../../core/access/check.js");
  return checkAccess({
    config,
    credentials: session.credentials,
    engine: options.engine,
    signal: deps.signal,
  });
}

export function renderAccess(report: AccessReport): string {
  const header = ["CAPABILITY", ...report.roles.map((role) => role.toUpperCase())];
  const rows = report.capabilities.map(({ id, description }) => [
    description.length > 60 ? `${description.slice(0, 57)}...` : description,
    ...report.roles.map((role) => {
      const entry = report.matrix.find((m) => m.capability === id && m.role === role);
      if (entry === undefined) return "-";
      return entry.flagged ? `✗ ${entry.actual} (contract: ${entry.expected})` : entry.actual;
    }),
  ]);
  const lines = [
    `engine: ${report.engine} — ${report.engineDescription}`,
    ...(report.engineNote === undefined ? [] : [`note: ${report.engineNote}`]),
    ...report.omitted.map((row) => `not checked: ${row}`),
    ...report.notes.map((note) => `note: ${note}`),
    "",
    table([header, ...rows]),
    "",
  ];
  if (report.flagged.length === 0) {
    lines.push(`all ${report.totals.cells} cells match the access contract`);
  } else {
    lines.push(
      `${report.totals.differing} of ${report.totals.cells} cells differ from the access contract:`,
    );
    for (const cell of report.flagged) {
      const decided = cell.decidedBy.length > 0 ? ` — decided by ${cell.decidedBy.join(", ")}` : "";
      lines.push(
        `  ✗ ${cell.id}: contract ${cell.expected}, deployed ${cell.actual} (${cell.verdict})${decided}`,
      );
    }
  }
  return lines.join("\n");
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("access")
    .description(
      "role × capability matrix computed from the deployed policies; flags cells that differ from the contract (Admin)",
    )
    .addHelpText("after", examples("strongbox access", "strongbox access --engine local --json"))
    .addOption(
      new Option(
        "--engine <engine>",
        "who evaluates: aws = IAM's simulator, local = @cloud-copilot/iam-simulate (optional package)",
      )
        .choices(["auto", "aws", "local"])
        .default("auto"),
    )
    .action((raw: { engine: EngineChoice }, cmd: Command) => {
      const options: AccessOptions = { engine: raw.engine };
      return ctx.run(cmd, invocation("access", options, access, renderAccess));
    });
}
