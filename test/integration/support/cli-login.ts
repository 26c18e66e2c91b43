import { homedir } from "node:os";
import { join } from "node:path";
import { login } from "../../../src/cli/commands/login.js";
import type { CommandDeps } from "../../../src/cli/context.js";
import { loadConfig, sessionsDirFor } from "../../../src/core/config.js";
import type { cliSandbox } from "../cli-helpers.js";

/** Shared by the session tests (cli-sessions, cli-mfa-sessions): logging in as a demo user. */
export type Sandbox = Awaited<ReturnType<typeof cliSandbox>>;
type DemoRole = "uploader" | "viewer" | "admin";

/** `strongbox login --role ROLE` through the role's demo profile (local-ROLE), then `more`. */
export const loginAs = (role: DemoRole, ...more: string[]) => [
  "login",
  "--role",
  role,
  "--profile",
  `local-${role}`,
  ...more,
];

/**
 * `login --role admin --profile local-admin` in-process, as main runs it on a
 * terminal, with the sandbox's environment and the config at `configPath`:
 * the prompt answers `code` and records each question in `questions`.
 */
export async function loginAsAdminOnTerminal(
  sb: Sandbox,
  configPath: string,
  code: string,
  questions: string[],
) {
  const saved = { ...process.env };
  Object.assign(process.env, sb.env);
  try {
    const deps: CommandDeps = {
      globals: {
        json: false,
        configPath,
        sessionsDir: sessionsDirFor(configPath, sb.env, homedir()),
        profile: "local-admin",
        debug: false,
        quiet: false,
        progress: true,
        transfersDir: join(sb.dir, "state"),
        legacyTransfersDir: join(sb.dir, "transfers"),
      },
      config: () => loadConfig(configPath),
      session: () => Promise.reject(new Error("login must not read a session")),
      log: { info: () => {}, note: () => {}, warn: () => {}, debug: () => {} },
      stdout: process.stdout,
      stderr: process.stderr,
      interactive: true,
      prompt: async (question) => {
        questions.push(question);
        return `${code}\n`;
      },
      env: {},
      readStdin: () => Promise.reject(new Error("login must not read stdin here")),
      signal: new AbortController().signal,
      now: Date.now,
    };
    return await login({ role: "admin", mfa: undefined, durationSeconds: undefined }, deps);
  } finally {
    process.env = saved;
  }
}
