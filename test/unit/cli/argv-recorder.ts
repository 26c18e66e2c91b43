import { type Command, CommanderError } from "commander";
import { COMMANDS } from "../../../src/cli/command-table.js";
import type { CommandContext, GlobalOptions, Invocation } from "../../../src/cli/context.js";
import { buildProgram, resolveGlobals, usageFromCommander } from "../../../src/cli/program.js";

/** What one argv turned into: the command, its typed options and the global flags. */
export interface Recorded {
  command: string;
  globals: GlobalOptions;
  options: unknown;
}

/** Every command file's registrar, loaded once (as for `--help`). */
const registrars = Promise.all(COMMANDS.map(async (c) => (await c.load()).register));

/**
 * Parses argv through every command's own declaration with a context that
 * records the invocation instead of running it. A usage error comes back as
 * `main` reports it: a StrongboxError of kind "usage" (exit 2), commander's
 * own errors included; `home` and `env` stand in for the user's.
 */
export async function recordArgv(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  home = "/home/u",
): Promise<Recorded> {
  let recorded: Recorded | undefined;
  const ctx: CommandContext = {
    async run<O, R>(cmd: Command, inv: Invocation<O, R>) {
      recorded = {
        command: inv.command,
        globals: resolveGlobals(cmd, env, home),
        options: inv.options,
      };
    },
  };
  const program = buildProgram(ctx, await registrars, { writeOut: () => {}, writeErr: () => {} });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    throw usageFromCommander(err, argv[0]) ?? new Error(`${argv.join(" ")}: help shown`);
  }
  if (recorded === undefined) throw new Error(`${argv.join(" ")}: no command ran`);
  return recorded;
}
