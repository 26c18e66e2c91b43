import { execFile } from "node:child_process";
import { copyFile, mkdtemp, stat } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sessionsDirFor } from "../../src/core/config.js";
import { loadTestStack, type TestStack } from "./support/stack.js";

const repo = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** The built binary (`npm run build`); STRONGBOX_CLI_BIN overrides. Stale builds fail loudly. */
export async function cliBin(): Promise<string> {
  const bin = process.env.STRONGBOX_CLI_BIN ?? join(repo, "dist", "bundle", "main.js");
  const built = await stat(bin).catch(() => undefined);
  if (built === undefined) throw new Error(`${bin} is missing: run \`npm run build\` first`);
  if (process.env.STRONGBOX_CLI_BIN === undefined) {
    const source = await stat(join(repo, "src", "cli", "main.ts"));
    if (source.mtimeMs > built.mtimeMs)
      throw new Error(`${bin} is older than src/cli/main.ts: run \`npm run build\``);
  }
  return bin;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the command printed
  json: () => any;
}

/**
 * A private copy of the stack's CLI config and its own state folder
 * (STRONGBOX_STATE_DIR: sessions never shared between tests, never in the
 * real home) and a runner for `strongbox` against it.
 */
export async function cliSandbox(extraEnv: NodeJS.ProcessEnv = {}) {
  const stack: TestStack = loadTestStack();
  const bin = await cliBin();
  const dir = await mkdtemp(join(tmpdir(), "strongbox-cli-it-"));
  const configPath = join(dir, "config.json");
  await copyFile(stack.configPath, configPath);
  const env: NodeJS.ProcessEnv = {
    ...stack.env,
    STRONGBOX_CONFIG: configPath,
    STRONGBOX_STATE_DIR: join(dir, "state"),
    ...extraEnv,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_ACCESS_KEY_ID;
  delete env.AWS_SECRET_ACCESS_KEY;
  delete env.AWS_SESSION_TOKEN;
  const run = (args: string[], more: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [bin, ...args],
        { env: { ...env, ...more }, timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
          done({
            code,
            stdout,
            stderr,
            json: () => JSON.parse(stdout),
          });
        },
      );
    });
  const sessionsDir = sessionsDirFor(configPath, env, homedir());
  return { stack, dir, configPath, sessionsDir, env, run };
}

/** curl, as someone handed a pre-signed URL would use it. */
export function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile("curl", ["-sS", ...args], { maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) =>
      done({
        code: err === null ? 0 : typeof err.code === "number" ? err.code : -1,
        stdout,
        stderr,
      }),
    );
  });
}
