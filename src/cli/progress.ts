import type { SingleBar } from "cli-progress";
import type { TransferEvent } from "../core/transfer/upload.js";
import type { CommandDeps } from "./context.js";
import { formatBytes, formatDuration } from "./render.js";

export interface Progress {
  onEvent: (event: TransferEvent) => void;
  /** The whole transfer, known before the first byte: files and bytes to move. */
  plan: (files: number, bytes: number) => void;
  stop: () => void;
}

/**
 * Progress on stderr: files done / total (for several), bytes, rate and ETA.
 * Drawn only when stderr is a TTY, TERM is not dumb, and neither --json,
 * --quiet nor --no-progress was given; notes still reach stderr otherwise.
 */
export async function createProgress(
  deps: Pick<CommandDeps, "interactive" | "stderr" | "log" | "now" | "globals">,
): Promise<Progress> {
  const draw = deps.interactive && deps.globals.progress;
  // The bar's library loads only when a bar is drawn (~5 MiB of RSS otherwise).
  const cliProgress = draw ? (await import("cli-progress")).default : undefined;
  const started = deps.now();
  let totalBytes = 0;
  let totalFiles = 0;
  let planned = false;
  let filesDone = 0;
  let done = 0;
  let bar: SingleBar | undefined;
  const payload = () => {
    const seconds = Math.max(0.001, (deps.now() - started) / 1000);
    const speed = done / seconds;
    const eta = speed > 0 ? Math.max(0, (totalBytes - done) / speed) : undefined;
    return {
      files: totalFiles > 1 ? `${filesDone}/${totalFiles} files | ` : "",
      sizes: `${formatBytes(done)}/${formatBytes(totalBytes)}`,
      speed: `${formatBytes(Math.round(speed))}/s`,
      etaText: eta === undefined ? "-" : formatDuration(Math.ceil(eta)),
    };
  };
  const ensureBar = () => {
    if (cliProgress === undefined) return;
    if (bar === undefined) {
      bar = new cliProgress.SingleBar(
        {
          stream: deps.stderr,
          format: "{bar} {percentage}% | {files}{sizes} | {speed} | ETA {etaText}",
          hideCursor: true,
          clearOnComplete: false,
          barsize: 30,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(totalBytes, 1), done, payload());
    } else bar.setTotal(Math.max(totalBytes, 1));
  };
  return {
    plan(files, bytes) {
      planned = true;
      totalFiles = files;
      totalBytes = bytes;
      if (files > 0) ensureBar();
    },
    onEvent(event) {
      switch (event.type) {
        case "note":
          deps.log.info(event.message);
          return;
        case "file-start":
          if (!planned) {
            totalFiles++;
            totalBytes += event.size;
          }
          ensureBar();
          return;
        case "bytes":
          done += event.delta;
          bar?.update(Math.max(0, done), payload());
          return;
        case "file-done":
          filesDone++;
          bar?.update(Math.max(0, done), payload());
          return;
      }
    },
    stop() {
      bar?.update(Math.max(0, done), payload());
      bar?.stop();
    },
  };
}
