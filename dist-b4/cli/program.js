import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { sessionsDirFor, transfersDirFor } from "../core/config.js";
import { usageError } from "../core/errors.js";
import { defaultConfigPath } from "../core/paths.js";
import { addHelpTexts } from "./help.js";
/**
 * The `strongbox` program: its global flags (declared and resolved here) and
 * the commands it is given, each declared by its own file under commands/
 * (command-table.ts lists them and loads only those an argv needs).
 */
export function buildProgram(ctx, commands, output = {
    writeOut: (s) => process.stdout.write(s),
    writeErr: (s) => process.stderr.write(s),
}) {
    const program = new Command("strongbox")
        .description("Role-based, audited file store on S3; bytes move only through pre-signed URLs.")
        .version(packageVersion(), "-V, --version", "print the version")
        // Settings below are inherited by every subcommand declared after them.
        .exitOverride()
        // Errors are printed once, in one style, by Runtime.report.
        .configureOutput({ ...output, outputError: () => { } })
        .configureHelp({ showGlobalOptions: true })
        .showHelpAfterError(false)
        .option("--json", "machine-readable result on stdout (nothing else goes there)")
        .option("--config <path>", "config file (default: $STRONGBOX_CONFIG, else the platform's config folder)")
        .option("--profile <name>", "AWS profile for your own (base) credentials")
        .option("-q, --quiet", "no progress and no notes on stderr (errors and warnings still)")
        .option("--no-progress", "no progress bar")
        .option("--debug", "show decisions and stack traces on stderr");
    for (const register of commands)
        register(program, ctx);
    addHelpTexts(program);
    return program;
}
/** Global flags, resolved with their defaults (env, home directory). */
export function resolveGlobals(cmd, env = process.env, home = homedir()) {
    const raw = cmd.optsWithGlobals();
    const configPath = raw.config !== undefined ? resolve(raw.config) : resolve(defaultConfigPath(env, home));
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
/** Global flags that take a value (the command word is not among their values). */
export const GLOBAL_WITH_VALUE = new Set(["--config", "--profile"]);
/** Commander signals help/version with these codes: not failures. */
const HELP_CODES = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);
/** A commander parse failure → StrongboxError("usage") (exit 2); help/version → undefined (exit 0). */
export function usageFromCommander(err, command) {
    if (HELP_CODES.has(err.code))
        return undefined;
    return usageError(err.message.replace(/^error: /, ""), `see \`strongbox ${command === undefined ? "" : `${command} `}--help\``);
}
/** The package's own version (package.json sits two folders above src/cli and dist/cli). */
export function packageVersion() {
    const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    return JSON.parse(text).version;
}
