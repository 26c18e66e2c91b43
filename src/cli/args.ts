import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Command, type CommanderError, Option } from "commander";
import { sessionsDirFor, transfersDirFor } from "../core/config.js";
import { type StrongboxError, usageError } from "../core/errors.js";
import { defaultConfigPath } from "../core/paths.js";
import { ROLES, type Role } from "../core/roles.js";
import { registerCatalogCommands } from "./catalog-commands.js";
import type { CommandContext, GlobalOptions } from "./context.js";
import { addHelpTexts } from "./help.js";
import { MFA_CODE_ENV, type MfaInput, parseMfaFlag } from "./mfa-input.js";
import { optionalRole, parseDurationSeconds, parseRole, roleOption, run } from "./options.js";

/**
 * Where argv becomes typed options: the program, its global flags and the
 * session commands; the catalog commands are in catalog-commands.ts, the
 * others register themselves (src/cli/commands/*.ts). Option builders and
 * parsers live in options.ts and are re-exported here for those files.
 */
export {
  dryRunOption,
  MAX_PRESIGN_SECONDS,
  nonEmptyKey,
  optionalRole,
  parseDurationSeconds,
  parsePositiveInt,
  parseRole,
  roleOption,
  run,
  yesOption,
} from "./options.js";

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

export interface ConfigureOptions {
  /** A Terraform/OpenTofu root module directory, or a saved `output -json` file. */
  fromTerraform: string;
}
export interface LoginOptions {
  role: Role;
  /** Where the MFA code comes from when given up front (the code itself prints as [redacted]). */
  mfa: MfaInput | undefined;
  durationSeconds: number | undefined;
}
export interface LogoutOptions {
  role: Role | undefined;
}
export interface WhoamiOptions {
  role: Role | undefined;
}
export interface LsOptions {
  prefix: string;
  role: Role | undefined;
  limit: number | undefined;
  /** Keys per ListObjectsV2 request (S3's default and maximum: 1000). */
  pageSize: number | undefined;
}
export interface VersionsOptions {
  key: string;
  role: Role | undefined;
}
export interface RestoreOptions {
  key: string;
  versionId: string;
  role: Role | undefined;
  dryRun: boolean;
}
export interface RmOptions {
  key: string;
  versionId: string | undefined;
  role: Role | undefined;
  /** --yes: no question asked (and allowed without a terminal). */
  yes: boolean;
  dryRun: boolean;
}
export interface PresignOptions {
  method: "get" | "put";
  key: string;
  expiresInSeconds: number;
  role: Role | undefined;
}

export type Registrar = (program: Command, ctx: CommandContext) => void;

/** Commander signals help/version with these codes: not failures. */
const HELP_CODES = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

/** A commander parse failure → StrongboxError("usage") (exit 2); help/version → undefined (exit 0). */
export function usageFromCommander(
  err: CommanderError,
  command?: string,
): StrongboxError | undefined {
  if (HELP_CODES.has(err.code)) return undefined;
  return usageError(
    err.message.replace(/^error: /, ""),
    `see \`strongbox ${command === undefined ? "" : `${command} `}--help\``,
  );
}

/** The package's own version (package.json sits two folders above src/cli and dist/cli). */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}

/**
 * Builds the whole `strongbox` program. Each action turns commander's raw
 * values into a typed options object and hands an Invocation to `ctx.run`;
 * `extra` registrars (upload, download, …) do the same in their own files.
 */
export function buildProgram(
  ctx: CommandContext,
  extra: Registrar[] = [],
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

  program
    .command("configure")
    .description(
      "write the config from `tofu output -json` (or terraform) of a Strongbox deployment",
    )
    .requiredOption(
      "--from-terraform <dir>",
      "Terraform/OpenTofu root module directory, or a saved `output -json` file",
    )
    .action((raw: { fromTerraform: string }, cmd: Command) =>
      run(
        ctx,
        cmd,
        "configure",
        async () => {
          const m = await import("./commands/configure.js");
          return { execute: m.configure, render: m.renderConfigure };
        },
        { fromTerraform: raw.fromTerraform },
      ),
    );

  program
    .command("login")
    .description("assume a role with STS and cache its session (owner-only file)")
    .addOption(new Option("--role <role>", "role to assume").choices(ROLES).makeOptionMandatory())
    .option(
      "--mfa-code <code|->",
      `MFA code: - reads it from stdin; otherwise prompted on a terminal or taken from ${MFA_CODE_ENV} (a code on the command line works but is visible to other users)`,
    )
    .option("--duration <duration>", "session length, e.g. 1h (capped by the role's maximum)")
    .action((raw: { role: string; mfaCode?: string; duration?: string }, cmd: Command) => {
      const mfa = parseMfaFlag(raw.mfaCode);
      return run(
        ctx,
        cmd,
        "login",
        async () => {
          const m = await import("./commands/login.js");
          return { execute: m.login, render: m.renderLogin };
        },
        {
          role: parseRole(raw.role),
          mfa,
          durationSeconds:
            raw.duration === undefined ? undefined : parseDurationSeconds(raw.duration, "duration"),
        },
      );
    });

  program
    .command("logout")
    .description(
      "forget cached role sessions (all roles unless --role; without --role also MFA sessions)",
    )
    .addOption(new Option("--role <role>", "only this role").choices(ROLES))
    .action((raw: { role?: string }, cmd: Command) =>
      run(
        ctx,
        cmd,
        "logout",
        async () => {
          const m = await import("./commands/logout.js");
          return { execute: m.logout, render: m.renderLogout };
        },
        {
          role: raw.role === undefined ? undefined : parseRole(raw.role),
        },
      ),
    );

  program
    .command("whoami")
    .description("show the role session in use: role, identity, expiry")
    .addOption(roleOption())
    .action((raw: { role?: string }, cmd: Command) =>
      run(
        ctx,
        cmd,
        "whoami",
        async () => {
          const m = await import("./commands/whoami.js");
          return { execute: m.whoami, render: m.renderWhoami };
        },
        { role: optionalRole(raw.role) },
      ),
    );

  registerCatalogCommands(program, ctx);

  for (const register of extra) register(program, ctx);
  addHelpTexts(program);
  return program;
}
