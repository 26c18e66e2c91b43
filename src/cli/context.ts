import type { Command } from "commander";
import type { StrongboxConfig } from "../core/config.js";
import type { Role } from "../core/roles.js";
import type { RoleSession } from "../core/session/types.js";

/** Flags every command accepts (parsed once by src/cli/args.ts). */
export interface GlobalOptions {
  json: boolean;
  /** --config PATH, else $STRONGBOX_CONFIG, else ~/.config/strongbox/config.json (resolved). */
  configPath: string;
  /** --profile: AWS profile for the *base* credentials (login) and mfa_serial lookup. */
  profile: string | undefined;
  debug: boolean;
}

/** Where a command writes anything that is not its result: always stderr. */
export interface Logger {
  info(message: string): void;
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
   * The role session for a data command: `role` when given (--role), else the most
   * recently logged-in session that is still valid. Throws StrongboxError("credentials")
   * saying to run `strongbox login --role X` when missing or within 5 minutes of expiry.
   */
  session(role?: Role): Promise<RoleSession>;
  log: Logger;
  /** stderr, for progress bars. Draw them only when `interactive` is true. */
  stderr: NodeJS.WriteStream;
  /** stderr is a TTY and --json is off: progress bars and prompts are allowed. */
  interactive: boolean;
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
}

/**
 * What `registerX(program, ctx)` gets (src/cli/commands/*.ts). Shape of a command file:
 *
 * ```ts
 * export async function ls(options: LsOptions, deps: CommandDeps): Promise<LsResult> { ... }
 * export function registerLs(program: Command, ctx: CommandContext): void {
 *   program.command("ls").argument("[prefix]").option(...)
 *     .action((prefix, raw, cmd: Command) =>
 *       ctx.run(cmd, { command: "ls", options: {...}, execute: (d) => ls(options, d), render }));
 * }
 * ```
 *
 * `ctx.run` resolves the global flags from `cmd` (`--json`, `--config`, `--profile`,
 * `--debug`), builds the CommandDeps, runs, renders, and maps errors to exit codes.
 * Tests pass a recording context so they see `{ command, globals, options }` without running.
 */
export interface CommandContext {
  run<Options, Result>(cmd: Command, invocation: Invocation<Options, Result>): Promise<void>;
}
