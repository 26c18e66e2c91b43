import { spawn } from "node:child_process";
import { usageError } from "../../core/errors.js";
import { roleOption } from "../args.js";
/** The variables another tool reads its credentials from (as aws-vault sets them). */
export function sessionEnv(config, session) {
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
/** Runs CMD with the role session in its environment; its exit code becomes ours. */
export async function exec(options, deps) {
    const [file, ...args] = options.command;
    if (file === undefined)
        throw usageError("nothing to run: strongbox exec --role R -- CMD [ARGS]");
    const config = await deps.config();
    const session = await deps.session(options.role, "run a command");
    const env = { ...deps.env, ...sessionEnv(config, session) };
    for (const name of CLEARED)
        delete env[name];
    const exitCode = await new Promise((resolve, reject) => {
        const child = spawn(file, args, { env, stdio: "inherit" });
        child.on("error", (error) => reject(error.code === "ENOENT"
            ? usageError(`command not found: ${file}`, "check the name and your PATH")
            : error));
        child.on("exit", (code, signal) => resolve(code ?? (signal === "SIGINT" ? 130 : 1)));
    });
    return { role: session.role, command: file, exitCode };
}
export async function envCommand(options, deps) {
    const config = await deps.config();
    const session = await deps.session(options.role, "hand to another tool");
    return {
        role: session.role,
        expiration: session.credentials.expiration,
        variables: sessionEnv(config, session),
    };
}
const shellQuote = (value) => `'${value.replace(/'/g, `'\\''`)}'`;
/** `eval "$(strongbox env --role viewer)"` */
export const renderEnv = (r) => Object.entries(r.variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join("\n");
export function register(program, ctx) {
    program
        .command("exec")
        .description("run another tool with a role session's credentials in its environment (as aws-vault does)")
        .argument("<command...>", "the command and its arguments, after --")
        .addOption(roleOption())
        .action((command, raw, cmd) => {
        const options = { command, role: raw.role };
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
        .addOption(roleOption())
        .action((raw, cmd) => {
        const options = { role: raw.role };
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
