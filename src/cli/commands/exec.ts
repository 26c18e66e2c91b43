import { spawn } from "node:child_process";
import type { Command } from "commander";
import type { StrongboxConfig } from "../../core/config.js";
import { usageError } from "../../core/errors.js";
import type { Role } from "../../core/roles.js";
import type { RoleSession } from "../../core/session/types.js";
import { roleOption } from "../args.js";
import type { CommandContext, CommandDeps } from "../context.js";
import { examples } from "../help.js";

/** The variables another tool reads its credentials from (as aws-vault sets them). */
export function sessionEnv(config: StrongboxConfig, session: RoleSession): Record<string, string> {
  const c = session.credentials;
  return {
    AWS_ACCESS_KEY_ID: c.accessKeyId,
    AWS_SECRET_ACCESS_KEY: c.secretAccessKey,
    AWS_SESSION_TOKEN: c.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: c.expiration.toISOString(),
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    ...(config.endpoint === undefined ? {} : { AWS_ENDPOINT_URL: config.endpoint }),
    STRONGBOX_ROLE: session.role,
  };
}

/** Variables that would make the child use other credentials than the session's. */
const CLEARED = ["AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN"];

export interface ExecOptions {
  command: string[];
  role: Role | undefined;
}
export interface ExecResult {
  role: Role;
  command: string;
  exitCode: number;
}

/** Runs CMD with the role session in its environment; its exit code becomes ours. */
export async function exec(options: ExecOptions, deps: CommandDeps): Promise<ExecResult> {
  const [file, ...args] = options.command;
  if (file === undefined) throw usageError("nothing to run: strongbox exec --role R -- CMD [ARGS]");
  const config = await deps.config();
  const session = await deps.session(options.role, "run a command");
  const env: NodeJS.ProcessEnv = { ...deps.env, ...sessionEnv(config, session) };
  for (const name of CLEARED) delete env[name];
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: "inherit" });
    child.on("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? usageError(`command not found: ${file}`, "check the name and your PATH")
          : error,
      ),
    );
    child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
  });
  return { role: session.role, command: file, exitCode };
}

export interface EnvOptions {
  role: Role | undefined;
}
export interface EnvResult {
  role: Role;
  expiration: Date;
  /** name → value; `--json` shows the names only (secrets never reach --json output). */
  variables: Record<string, string>;
}

export async function envCommand(options: EnvOptions, deps: CommandDeps): Promise<EnvResult> {
  const config = await deps.config();
  const session = await deps.session(options.role, "hand to another tool");
  return {
    role: session.role,
    expiration: session.credentials.expiration,
    variables: sessionEnv(config, session),
  };
}

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** `eval "$(strongbox env --role viewer)"` */
export const renderEnv = (r: EnvResult): string =>
  Object.entries(r.variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join("\n");

export function register(program: Command, ctx: CommandContext): void {
  program
    .command("exec")
    .description(
      "run another tool with a role session's credentials in its environment (as aws-vault does)",
    )
    .addHelpText(
      "after",
      examples(
        "strongbox exec --role viewer -- aws s3 ls s3://BUCKET/",
        "strongbox exec --role admin -- s5cmd cp f.bin s3://BUCKET/",
      ),
    )
    .argument("<command...>", "the command and its arguments, after --")
    .addOption(roleOption())
    .action((command: string[], raw: { role?: Role }, cmd: Command) => {
      const options: ExecOptions = { command, role: raw.role };
      return ctx.run(cmd, {
        command: "exec",
        options,
        execute: (deps) => exec(options, deps),
        render: () => "",
        exitCodeOf: (r) => r.exitCode,
      });
    });
  program
    .command("env")
    .description("print a role session as shell exports, for eval or another tool")
    .addHelpText(
      "after",
      examples("strongbox env --role admin --json", 'eval "$(strongbox env --role viewer)"'),
    )
    .addOption(roleOption())
    .action((raw: { role?: Role }, cmd: Command) => {
      const options: EnvOptions = { role: raw.role };
      return ctx.run(cmd, {
        command: "env",
        options,
        execute: (deps) => envCommand(options, deps),
        render: renderEnv,
        json: (r) => ({
          role: r.role,
          expiration: r.expiration,
          variables: Object.keys(r.variables),
        }),
      });
    });
}
