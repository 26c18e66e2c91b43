#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CommanderError } from "commander";
import { ExitCode, StrongboxError } from "../core/errors.js";
import { commandWord, registrarsFor } from "./command-table.js";
import { tuneHeap } from "./heap.js";
import { buildProgram, usageFromCommander } from "./program.js";
import { Runtime, type RuntimeIO } from "./runtime.js";

/**
 * The `strongbox` binary: parse argv, run one command, map the outcome to
 * an exit code (ARCHITECTURE §4). Returns the code; never calls process.exit.
 */
export async function main(argv: string[], io: RuntimeIO): Promise<number> {
  const runtime = new Runtime(io);
  const program = buildProgram(runtime, await registrarsFor(argv), {
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return io.signal.aborted ? ExitCode.interrupted : runtime.exitCode;
  } catch (err) {
    // Errors before a command ran: commander usage errors, or bad option values.
    const globals = { json: argv.includes("--json"), debug: argv.includes("--debug") };
    if (err instanceof CommanderError) {
      const usage = usageFromCommander(err, commandWord(argv));
      if (usage === undefined) return ExitCode.ok;
      return runtime.report(usage, globals);
    }
    return runtime.report(err, globals);
  }
}

/** Process wiring: real streams, SIGINT → abort (second Ctrl-C exits at once), exit code. */
async function runProcess(): Promise<void> {
  const argv = process.argv.slice(2);
  tuneHeap(commandWord(argv));
  // The SDK warns on every run that a future release needs Node 22; Node 20.19 is supported here.
  if (!argv.includes("--debug"))
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const controller = new AbortController();
  let interrupts = 0;
  process.on("SIGINT", () => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write("\ninterrupting… (Ctrl-C again to quit at once)\n");
    controller.abort(new StrongboxError("interrupted", "interrupted"));
  });
  const code = await main(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    now: Date.now,
    signal: controller.signal,
  });
  process.exitCode = code;
  // After a Ctrl-C, exit now: a second Ctrl-C landing while Node tears the event
  // loop down (signal handlers already gone) would kill the process by signal
  // instead of exiting 130.
  if (interrupts > 0) process.exit(code);
  // Idle keep-alive sockets must not hold the process open after the answer is out.
  setTimeout(() => process.exit(code), 200).unref();
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (invokedDirectly) await runProcess();
