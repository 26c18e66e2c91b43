/**
 * The lines worth quoting from what OpenTofu or Terraform printed on stderr
 * when a command failed: its Error diagnostics, not a Warning before them
 * (the CLI configuration's problems are printed first, boxed and in colour
 * even with -no-color). Colour codes and the box drawing are dropped.
 */

/** Colour and other CSI sequences (the engine is run with -no-color; this is for anything left). */
const CSI = new RegExp(`${String.fromCharCode(0x1b)}\\[[0-9;?]*[A-Za-z]`, "g");
/** The box a diagnostic is drawn in: ╷ above, │ before each line, ╵ below. */
const BOX = /^[╷│╵] ?/;
const DIAGNOSTIC = /^(Error|Warning): /;
/** Said before and after the problems of the CLI configuration file (~/.terraformrc, TF_CLI_CONFIG_FILE). */
const CLI_CONFIG_START = "There are some problems with the CLI configuration";
const CLI_CONFIG_END = "As a result of the above problems";

interface Diagnostic {
  severity: "Error" | "Warning";
  lines: string[];
  /** Printed among the CLI configuration's problems (not what made the command fail). */
  cliConfig: boolean;
}

function diagnosticsOf(lines: string[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  let current: Diagnostic | undefined;
  let cliConfig = false;
  for (const raw of lines) {
    if (raw.startsWith(CLI_CONFIG_START)) cliConfig = true;
    if (raw.startsWith(CLI_CONFIG_END)) {
      cliConfig = false;
      current = undefined;
      continue;
    }
    const line = raw.replace(BOX, "").trim();
    const start = DIAGNOSTIC.exec(line);
    if (start !== null) {
      current = { severity: start[1] as Diagnostic["severity"], lines: [line], cliConfig };
      found.push(current);
    } else if (raw.startsWith("╵")) {
      current = undefined;
    } else if (current !== undefined && line !== "") {
      current.lines.push(line);
    }
  }
  return found;
}

/** At most `max` lines, joined on one line: the failing Error diagnostics, else the first lines. */
export function engineErrorText(stderr: string, max = 3): string {
  const lines = stderr.replace(CSI, "").split(/\r?\n/);
  const errors = diagnosticsOf(lines).filter((d) => d.severity === "Error");
  const failing = errors.filter((d) => !d.cliConfig);
  const chosen = failing.length > 0 ? failing : errors;
  const text =
    chosen.length > 0
      ? chosen.flatMap((d) => d.lines)
      : lines.map((line) => line.replace(BOX, "").trim()).filter((line) => line !== "");
  return text.slice(0, max).join(" ");
}
