import type { Command } from "commander";
import type { StrongboxConfig } from "../core/config.js";
import type { Role } from "../core/roles.js";
import type { RoleSession } from "../core/session/types.js";

/** Flags every command accepts (declared and resolved once by src/cli/program.ts). */
export interface GlobalOptions {
  json: boolean;
  /** --config PATH, else $STRONGBOX_CONFIG, else the platform's config folder (resolved). */
  configPath: string;
  /** This config's role sessions: under the user's state folder (sessionsDirFor), never beside the config. */
  sessionsDir: string;
  /** --profile: AWS profile for the *base* credentials (login) and mfa_serial lookup. */
  profile: string | undefined;
  debug: boolean;
  /** --quiet: no progress and no notes on stderr (warnings and errors still). */
  quiet: boolean;
  /** --no-progress: no progress bar (notes still). */
  progress: boolean;
  /** Upload resume records: the platform's state folder (core/paths.ts). */
  transfersDir: string;
  /** Where they were kept before (next to the config): still read. */
  legacyTransfersDir: string;
}

/** Where a command writes anything that is not its result: always stderr. */
export interface Logger {
  info(message: string): void;
  /** A fact the user should see even with --quiet (e.g. which role was used). */
  note(message: string): void;
  warn(message: string): void;
  /** Printed only with --debug. */
  debug(message: string): void;
}

/**
 * What a command function receives besides its own options:
 * `async function upload(options: UploadOptions, deps: CommandDeps): Promise<UploadResult>`.
 * Commands return data and throw StrongboxError; they never print results,
 * never call process.exit, never make AWS calls themselves (core does).
 */
export interface CommandDeps {
  globals: GlobalOptions;
  /** Loads and validates the config file (cached after the first call). Throws StrongboxError. */
  config(): Promise<StrongboxConfig>;
  /**
   * The role session for a data command: `role` when given (--role), else
   * $STRONGBOX_ROLE, else the config's defaultRole, else the live session. With
   * several live sessions and none named, the one used is said on stderr; when
   * `doing` is given (a write or delete, e.g. "upload"), a guess is not enough:
   * it asks on a TTY and refuses (exit 2) without one. Throws
   * StrongboxError("credentials") saying to run `strongbox login --role X` when
   * missing or within 5 minutes of expiry.
   */
  session(role?: Role, doing?: string): Promise<RoleSession>;
  log: Logger;
  /** stdout, for bytes that are the result itself (`download --out -`). */
  stdout: NodeJS.WritableStream;
  /** stderr, for progress bars. Draw them only when `interactive` is true. */
  stderr: NodeJS.WriteStream;
  /** stderr is a TTY and --json is off: progress bars and prompts are allowed. */
  interactive: boolean;
  /** Asks on the terminal (stderr) and reads a line; undefined when stdin/stderr is not a TTY. */
  prompt: ((question: string) => Promise<string>) | undefined;
  /** The process environment (read-only). */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads stdin to its end (a secret piped in, e.g. `--mfa-code -`); a few KiB at most. */
  readStdin(): Promise<string>;
  /** Aborted on SIGINT (main then exits 130). Pass it to long-running work. */
  signal: AbortSignal;
  now(): number;
}

/**
 * One parsed command, ready to run. Register functions build it inside their
 * commander `.action(...)` and hand it to `ctx.run`.
 */
export interface Invocation<Options, Result> {
  /** Command name as typed, e.g. "upload". */
  command: string;
  /** Typed, normalised options (what the argv-table tests compare). */
  options: Options;
  execute(deps: CommandDeps): Promise<Result>;
  /** Human text for a TTY/pipe without --json. With --json, `result` is printed as JSON. */
  render(result: Result): string;
  /** What --json prints, when it is not the result itself (say, without its secrets). */
  json?(result: Result): unknown;
  /** The exit code of a success when it is not 0 (exec passes on its child's). */
  exitCodeOf?(result: Result): number;
}

/** The usual Invocation: `execute(options, deps)` runs the command, `render` prints its result. */
export function invocation<Options, Result>(
  command: string,
  options: Options,
  execute: (options: Options, deps: CommandDeps) => Promise<Result>,
  render: (result: Result) => string,
): Invocation<Options, Result> {
  return { command, options, execute: (deps) => execute(options, deps), render };
}

/**
 * What a command file's `register(program, ctx)` gets. Shape of a command file
 * (src/cli/commands/x.ts; command-table.ts lists them):
 *
 * ```ts
 * export interface XOptions { ... }                     // what the argv table test compares
 * export async function x(options: XOptions, deps: CommandDeps): Promise<XResult> { ... }
 * export const renderX = (r: XResult): string => `...`;
 * export function register(program: Command, ctx: CommandContext): void {
 *   program.command("x").addOption(roleOption())          // shared parsers: ../args.js
 *     .action((raw, cmd: Command) => {
 *       const options: XOptions = { role: optionalRole(raw.role), ... }; // throw usageError(...) if bad
 *       return ctx.run(cmd, invocation("x", options, x, renderX));
 *     });
 * }
 * ```
 *
 * A command file imports modules that load the AWS SDK inside its command
 * function (`await import(...)`), never at its top: `--help` loads every file.
 * `ctx.run` resolves the global flags from `cmd` (`--json`, `--config`, `--profile`,
 * `--debug`), builds the CommandDeps, runs, renders (JSON of the result with --json,
 * else `render(result)` on stdout), and maps errors to exit codes (src/core/errors.ts).
 * Tests pass a recording context so they see `{ command, globals, options }` without running.
 */
export interface CommandContext {
  run<Options, Result>(cmd: Command, invocation: Invocation<Options, Result>): Promise<void>;
}

/** Declares a command file's command(s) on the program. */
export type Registrar = (program: Command, ctx: CommandContext) => void;
