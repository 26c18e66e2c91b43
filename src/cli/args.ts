import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Argument, Command, type CommanderError, Option } from "commander";
import { type StrongboxError, usageError } from "../core/errors.js";
import { defaultConfigPath, transfersDir } from "../core/paths.js";
import { isRole, ROLES, type Role } from "../core/roles.js";
import type { CommandContext, CommandDeps, GlobalOptions } from "./context.js";
import { addHelpTexts } from "./help.js";

/**
 * The one place where argv becomes typed options. Every command of §4 is
 * declared here except upload/download, which register themselves
 * (src/cli/commands/{upload,download}.ts) with the helpers exported below.
 */

export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

/** "15m", "1h", "1h30m", "2d", "900s" or plain seconds "900" → seconds. */
export function parseDurationSeconds(text: string, flag = "duration"): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return positive(Number(trimmed), flag, text);
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (trimmed === "" || match === null) {
    throw usageError(`--${flag} "${text}" is not a duration`, "use e.g. 900, 15m, 1h, 1h30m, 7d");
  }
  const [, d, h, m, s] = match.map((part) => Number(part ?? 0));
  return positive((d ?? 0) * 86400 + (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0), flag, text);
}

function positive(seconds: number, flag: string, text: string): number {
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw usageError(`--${flag} "${text}" must be a positive duration`);
  }
  return seconds;
}

export function parseRole(text: string, flag = "role"): Role {
  if (!isRole(text))
    throw usageError(`--${flag} must be one of ${ROLES.join(", ")}, not "${text}"`);
  return text;
}

export function parsePositiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) <= 0 || !Number.isSafeInteger(Number(text))) {
    throw usageError(`--${flag} must be a positive whole number, not "${text}"`);
  }
  return Number(text);
}

/** `--role R` for data commands: which role session to use. */
export const roleOption = () =>
  new Option(
    "--role <role>",
    "role session to use (default: $STRONGBOX_ROLE, the config's defaultRole, else the live session)",
  ).choices(ROLES);

/** `--yes` for commands that destroy or replace something. */
export const yesOption = () =>
  new Option("-y, --yes", "do not ask for confirmation (needed when there is no terminal)");

/** `--dry-run`: say what would happen; no request changes anything, no file is written. */
export const dryRunOption = () =>
  new Option("--dry-run", "show what would happen; change nothing, write nothing");

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
    transfersDir: resolve(transfersDir(env, home)),
    legacyTransfersDir: join(dirname(configPath), "transfers"),
    quiet: raw.quiet === true,
    progress: raw.progress !== false && raw.quiet !== true,
    json: raw.json === true,
    configPath,
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
  mfaCode: string | undefined;
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

function nonEmptyKey(key: string): string {
  if (key.length === 0) throw usageError("KEY must not be empty");
  return key;
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
    .option("--mfa-code <code>", "6-digit code from your MFA device (prompted on a TTY if needed)")
    .option("--duration <duration>", "session length, e.g. 1h (capped by the role's maximum)")
    .action((raw: { role: string; mfaCode?: string; duration?: string }, cmd: Command) => {
      if (raw.mfaCode !== undefined && !/^\d{6}$/.test(raw.mfaCode)) {
        throw usageError("--mfa-code must be the 6 digits shown by your MFA device");
      }
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
          mfaCode: raw.mfaCode,
          durationSeconds:
            raw.duration === undefined ? undefined : parseDurationSeconds(raw.duration, "duration"),
        },
      );
    });

  program
    .command("logout")
    .description("forget the cached role session (all roles unless --role)")
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

  program
    .command("ls")
    .description("list objects (all pages) under PREFIX")
    .argument("[prefix]", "key prefix", "")
    .option("--limit <n>", "stop after N objects")
    .option("--page-size <n>", "keys per list request (default and maximum 1000)")
    .addOption(roleOption())
    .action(
      (prefix: string, raw: { limit?: string; pageSize?: string; role?: string }, cmd: Command) => {
        const pageSize =
          raw.pageSize === undefined ? undefined : parsePositiveInt(raw.pageSize, "page-size");
        if (pageSize !== undefined && pageSize > 1000) {
          throw usageError("--page-size may be at most 1000 (S3's maximum)");
        }
        return run(
          ctx,
          cmd,
          "ls",
          async () => {
            const m = await import("./commands/ls.js");
            return { execute: m.ls, render: m.renderLs };
          },
          {
            prefix,
            limit: raw.limit === undefined ? undefined : parsePositiveInt(raw.limit, "limit"),
            pageSize,
            role: optionalRole(raw.role),
          },
        );
      },
    );

  program
    .command("versions")
    .description("list every version and delete marker of KEY, newest first")
    .argument("<key>", "object key")
    .addOption(roleOption())
    .action((key: string, raw: { role?: string }, cmd: Command) =>
      run(
        ctx,
        cmd,
        "versions",
        async () => {
          const m = await import("./commands/versions.js");
          return { execute: m.versions, render: m.renderVersions };
        },
        {
          key: nonEmptyKey(key),
          role: optionalRole(raw.role),
        },
      ),
    );

  program
    .command("restore")
    .description("make an earlier version of KEY the latest again (copies it)")
    .argument("<key>", "object key")
    .requiredOption("--version-id <id>", "version to restore (see `strongbox versions KEY`)")
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (key: string, raw: { versionId: string; role?: string; dryRun?: boolean }, cmd: Command) =>
        run(
          ctx,
          cmd,
          "restore",
          async () => {
            const m = await import("./commands/restore.js");
            return { execute: m.restore, render: m.renderRestore };
          },
          {
            key: nonEmptyKey(key),
            versionId: raw.versionId,
            role: optionalRole(raw.role),
            dryRun: raw.dryRun === true,
          },
        ),
    );

  program
    .command("rm")
    .description(
      "delete KEY (adds a delete marker); --version-id deletes that version for good (Admin with MFA)",
    )
    .argument("<key>", "object key")
    .option("--version-id <id>", "permanently delete this version")
    .addOption(yesOption())
    .addOption(dryRunOption())
    .addOption(roleOption())
    .action(
      (
        key: string,
        raw: { versionId?: string; role?: string; yes?: boolean; dryRun?: boolean },
        cmd: Command,
      ) =>
        run(
          ctx,
          cmd,
          "rm",
          async () => {
            const m = await import("./commands/rm.js");
            return { execute: m.rm, render: m.renderRm };
          },
          {
            key: nonEmptyKey(key),
            versionId: raw.versionId,
            role: optionalRole(raw.role),
            yes: raw.yes === true,
            dryRun: raw.dryRun === true,
          },
        ),
    );

  program
    .command("presign")
    .description("print a pre-signed URL for someone else (expiry capped by your session)")
    .addArgument(new Argument("<method>", "get or put").choices(["get", "put"]))
    .argument("<key>", "object key")
    .option("--expires <duration>", "how long the URL is valid, e.g. 15m, 1h (max 7d)", "15m")
    .addOption(roleOption())
    .action(
      (
        method: "get" | "put",
        key: string,
        raw: { expires: string; role?: string },
        cmd: Command,
      ) => {
        const expiresInSeconds = parseDurationSeconds(raw.expires, "expires");
        if (expiresInSeconds > MAX_PRESIGN_SECONDS) {
          throw usageError("--expires may be at most 7d (SigV4's limit)");
        }
        return run(
          ctx,
          cmd,
          "presign",
          async () => {
            const m = await import("./commands/presign.js");
            return { execute: m.presign, render: m.renderPresign };
          },
          {
            method,
            key: nonEmptyKey(key),
            expiresInSeconds,
            role: optionalRole(raw.role),
          },
        );
      },
    );

  for (const register of extra) register(program, ctx);
  addHelpTexts(program);
  return program;
}

function optionalRole(raw: string | undefined): Role | undefined {
  return raw === undefined ? undefined : parseRole(raw);
}

/**
 * Wraps a command into an Invocation for `ctx.run`. The command's module is
 * imported only when it runs, so `--help` and usage errors never load the SDK.
 */
function run<Options, Result>(
  ctx: CommandContext,
  cmd: Command,
  command: string,
  load: () => Promise<{
    execute: (options: Options, deps: CommandDeps) => Promise<Result>;
    render: (result: Result) => string;
  }>,
  options: Options,
): Promise<void> {
  let render: ((result: Result) => string) | undefined;
  return ctx.run(cmd, {
    command,
    options,
    execute: async (deps) => {
      const loaded = await load();
      render = loaded.render;
      return loaded.execute(options, deps);
    },
    render: (result) => (render === undefined ? "" : render(result)),
  });
}
