import type { Command } from "commander";

/**
 * A command's examples, shown at the end of its --help: two to four per
 * command, each in the command's own file (the README shows every one).
 */
export const examples = (...lines: string[]): string =>
  `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}`;

export const EXIT_CODES = `Exit codes:
  0    ok
  1    a transfer or request failed (or a question was answered no)
  2    usage error (bad arguments, no config, a choice only you can make)
  3    access denied
  4    not found
  5    credentials missing or expired (run \`strongbox login\`)
  130  interrupted (Ctrl-C)`;

export const ENVIRONMENT = `Environment:
  STRONGBOX_CONFIG   config file (instead of --config)
  STRONGBOX_ROLE     role for data commands (instead of --role)
  STRONGBOX_DEBUG=1  same as --debug
  AWS_PROFILE        AWS profile for your own credentials (instead of --profile)
  XDG_CONFIG_HOME, XDG_STATE_HOME   where config and transfer state live (Linux)
  TERM=dumb          no progress bar`;

/** Exit codes and environment under the top level's help. */
export function addHelpTexts(program: Command): void {
  program.addHelpText(
    "after",
    `\n${EXIT_CODES}\n\n${ENVIRONMENT}\n\nRun \`strongbox COMMAND --help\` for a command's options and examples.`,
  );
}
