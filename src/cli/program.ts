import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Command, type CommanderError } from "commander";
import { sessionsDirFor, transfersDirFor } from "../core/config.js";
import { type StrongboxError, usageError } from "../core/errors.js";
import { defaultConfigPath } from "../core/paths.js";
import type { CommandContext, GlobalOptions, Registrar } from "./context.js";
import { addHelpTexts } from "./help.js";
import { PACKAGE_JSON } from "./package-files.js";

/**
 * The `strongbox` program: its global flags (declared and resolved here) and
 * the commands it is given, each declared by its own file under commands/
 * (command-table.ts lists them and loads only those an argv needs).
 */
export function buildProgram(
  ctx: CommandContext,
  commands: Registrar[],
  output: { writeOut: (s: string) => void; writeErr: (s: string) => void } = {
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stderr.write(s),
  },
): Command {
  const program = new Command("strongbox")
    .description("Role-based, audited file store on S3; bytes move only through pre-signed URLs.")
    .version(packageVersion(), "-V, --version", "print the version")
    // Settings below are inherited by every subcommand declared after them.
    .exitOverride()
    // Errors are printed once, in one style, by Runtime.report.
    .configureOutput({ ...output, outputError: () => {} })
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError(false)
    .option("--json", "machine-readable result on stdout (nothing else goes there)")
    .option(
      "--config <path>",
      "config file (default: $STRONGBOX_CONFIG, else the platform's config folder)",
    )
    .option("--profile <name>", "AWS profile for your own (base) credentials")
    .option("-q, --quiet", "no progress and no notes on stderr (errors and warnings still)")
    .option("--no-progress", "no progress bar")
    .option("--debug", "show decisions and stack traces on stderr");
  for (const register of commands) register(program, ctx);
  addHelpTexts(program);
  return program;
}

/** Global flags, resolved with their defaults (env, home directory). */
export function resolveGlobals(
  cmd: Command,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): GlobalOptions {
  const raw = cmd.optsWithGlobals<{
    json?: boolean;
    config?: string;
    profile?: string;
    debug?: boolean;
    quiet?: boolean;
    progress?: boolean;
  }>();
  const configPath =
    raw.config !== undefined ? resolve(raw.config) : resolve(defaultConfigPath(env, home));
  return {
    transfersDir: resolve(transfersDirFor(env, home)),
    legacyTransfersDir: join(dirname(configPath), "transfers"),
    quiet: raw.quiet === true,
    progress: raw.progress !== false && raw.quiet !== true,
    json: raw.json === true,
    configPath,
    sessionsDir: sessionsDirFor(configPath, env, home),
    profile: raw.profile ?? env.AWS_PROFILE ?? undefined,
    debug: raw.debug === true || env.STRONGBOX_DEBUG === "1",
  };
}

/** Global flags that take a value (the command word is not among their values). */
export const GLOBAL_WITH_VALUE = new Set(["--config", "--profile"]);

/** Commander signals help/version with these codes: not failures. */
const HELP_CODES = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

/**
 * Commander's suggestion, which it puts on a line of its own: "\n(Did you mean --role?)".
 * It names this program's own options or commands, so it is moved to the hint rather
 * than left in the message, where the newline would be escaped as `\u{a}`.
 */
const SUGGESTION = /\n\(Did you mean (.+)\?\)$/;

/** A commander parse failure → StrongboxError("usage") (exit 2); help/version → undefined (exit 0). */
export function usageFromCommander(
  err: CommanderError,
  command?: string,
): StrongboxError | undefined {
  if (HELP_CODES.has(err.code)) return undefined;
  const text = err.message.replace(/^error: /, "");
  const suggestion = SUGGESTION.exec(text);
  // An unknown command word has no --help of its own.
  const word = err.code === "commander.unknownCommand" ? undefined : command;
  const see = `see \`strongbox ${word === undefined ? "" : `${word} `}--help\``;
  return suggestion === null
    ? usageError(text, see)
    : usageError(text.slice(0, suggestion.index), `did you mean ${suggestion[1]}? ${see}`);
}

/** The package's own version. */
export function packageVersion(): string {
  const text = readFileSync(PACKAGE_JSON, "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
