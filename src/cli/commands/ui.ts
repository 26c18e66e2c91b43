import type { Command } from "commander";
import { choosePort } from "../../ui/server/port.js";
import { parseDurationSeconds, parsePositiveInt } from "../args.js";
import type { CommandContext, CommandDeps } from "../context.js";
import { examples } from "../help.js";
import { PAGE_DIR } from "../package-files.js";

export interface UiOptions {
  port: number | undefined;
  idleSeconds: number;
  /** Life of each URL handed to the page (signed just before use). */
  urlSeconds: number;
}

export interface UiResult {
  url: string;
  stopped: string;
}

/**
 * Serves the page on 127.0.0.1 until Ctrl-C or inactivity. `announce` gets the
 * `ui: <address>` line (contract) as soon as the server listens.
 */
export async function ui(
  options: UiOptions,
  deps: CommandDeps,
  announce: (line: string) => void,
): Promise<UiResult> {
  const config = await deps.config();
  const { port, note } = choosePort(config.uiOrigins, options.port);
  if (note !== undefined) deps.log.warn(note);
  // The server and its API pull in most of the CLI: loaded only when `ui` runs (not for --help).
  const { createUiContext } = await import("../../ui/server/context.js");
  const { startUiServer } = await import("../../ui/server/server.js");
  const server = await startUiServer({
    ctx: createUiContext({
      config,
      configPath: deps.globals.configPath,
      sessionsDir: deps.globals.sessionsDir,
      profile: deps.globals.profile,
      now: deps.now,
      log: (line) => deps.log.info(line),
    }),
    port,
    pageDir: PAGE_DIR,
    idleMs: options.idleSeconds * 1000,
    urlLifetimeSeconds: options.urlSeconds,
  });
  const onAbort = () => void server.close("stopped (Ctrl-C)");
  deps.signal.addEventListener("abort", onAbort, { once: true });
  announce(`ui: ${server.url}`);
  deps.log.info(
    `serving the Strongbox page on ${server.origin} (bytes go to ${server.bucketOrigin}); Ctrl-C to stop`,
  );
  try {
    const stopped = await server.stopped;
    deps.log.info(stopped);
    return { url: server.origin, stopped };
  } finally {
    deps.signal.removeEventListener("abort", onAbort);
  }
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("ui")
    .description(
      'local web page on 127.0.0.1: sign in, browse, upload, download, admin views; prints "ui: <address>"',
    )
    .addHelpText(
      "after",
      examples(
        'strongbox ui      # the web page on 127.0.0.1; prints "ui: <address>"',
        "strongbox ui --idle 2h",
      ),
    )
    .option("--port <n>", "port (must be one the bucket's CORS rule allows)", (v) =>
      parsePositiveInt(v, "port"),
    )
    .option("--idle <duration>", "stop after this long without a request", "30m")
    .option("--url-expires <duration>", "life of each URL handed to the page", "15m")
    .action((raw: { port?: number; idle: string; urlExpires: string }, cmd: Command) => {
      const options: UiOptions = {
        port: raw.port,
        idleSeconds: parseDurationSeconds(raw.idle, "idle"),
        urlSeconds: parseDurationSeconds(raw.urlExpires, "url-expires"),
      };
      return ctx.run(cmd, {
        command: "ui",
        options,
        execute: (deps) => ui(options, deps, (line) => process.stdout.write(`${line}\n`)),
        render: (r: UiResult) => r.stopped,
      });
    });
}
