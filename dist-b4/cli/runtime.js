import { createInterface } from "node:readline/promises";
import { redact } from "../core/aws-errors.js";
import { loadConfig } from "../core/config.js";
import { ExitCode, StrongboxError } from "../core/errors.js";
import { sessionCacheOf } from "../core/session/cache.js";
import { ambiguousRoleError, chooseRole, isAmbiguous } from "../core/session/choose.js";
import { sessionForCommand } from "../core/session/index.js";
import { printable, terminalJson } from "../core/text/printable.js";
import { resolveGlobals } from "./program.js";
/** Runs invocations for real: builds CommandDeps, renders results, turns errors into exit codes. */
export class Runtime {
    io;
    exitCode = ExitCode.ok;
    constructor(io) {
        this.io = io;
    }
    async run(cmd, invocation) {
        const globals = resolveGlobals(cmd, this.io.env);
        const log = createLogger(this.io.stderr, globals.debug, globals.quiet);
        const deps = this.deps(globals, log);
        log.debug(`${invocation.command} ${JSON.stringify(invocation.options)}`);
        try {
            const result = await invocation.execute(deps);
            if (globals.json) {
                const shown = invocation.json === undefined ? result : invocation.json(result);
                this.io.stdout.write(`${terminalJson(shown)}\n`);
            }
            else
                this.writeText(invocation.render(result));
            this.exitCode = invocation.exitCodeOf?.(result) ?? ExitCode.ok;
        }
        catch (err) {
            // --json carries the partial result inside the error object (see report).
            const partial = err instanceof StrongboxError ? err.partial : undefined;
            if (partial !== undefined && !globals.json)
                this.writeText(invocation.render(partial));
            this.exitCode = this.report(err, globals);
        }
    }
    /** Renderers escape the fields they print (displayKey); this catches any they missed, bar the line breaks. */
    writeText(text) {
        const safe = printable(text, { keepNewlines: true });
        if (safe !== "")
            this.io.stdout.write(safe.endsWith("\n") ? safe : `${safe}\n`);
    }
    /** Prints a failure (one sentence + hint; stack only with --debug) and returns its exit code. */
    report(err, globals, alreadyOnStderr = false) {
        const error = err instanceof StrongboxError && (err.kind === "interrupted" || !this.io.signal.aborted)
            ? err
            : this.io.signal.aborted
                ? new StrongboxError("interrupted", "interrupted (Ctrl-C)", { cause: err })
                : new StrongboxError("failed", `unexpected error: ${err?.message ?? String(err)}`, { cause: err });
        const message = redact(error.message);
        const hint = error.hint === undefined ? undefined : redact(error.hint);
        if (globals.json) {
            const failure = { kind: error.kind, exitCode: error.exitCode, message, hint };
            const body = error.partial === undefined
                ? { error: failure }
                : { result: error.partial, error: failure };
            this.io.stdout.write(`${terminalJson(body)}\n`);
        }
        if (!alreadyOnStderr) {
            // Messages quote keys and S3 answers: no control or bidi character reaches the terminal.
            this.io.stderr.write(`strongbox: ${printable(message)}\n`);
            if (hint !== undefined)
                this.io.stderr.write(`hint: ${printable(hint)}\n`);
        }
        if (globals.debug) {
            let cause = error;
            while (cause instanceof Error) {
                const trace = redact(cause.stack ?? `${cause.name}: ${cause.message}`);
                this.io.stderr.write(`${printable(trace, { keepNewlines: true })}\n`);
                cause = cause.cause;
                if (cause !== undefined)
                    this.io.stderr.write("caused by: ");
            }
        }
        return error.exitCode;
    }
    deps(globals, log) {
        const { io } = this;
        let config;
        const loadOnce = () => {
            config ??= loadConfig(globals.configPath);
            return config;
        };
        const interactive = io.stderr.isTTY === true && !globals.json && !globals.quiet && io.env.TERM !== "dumb";
        const prompt = io.stdin.isTTY === true && io.stderr.isTTY === true
            ? async (question) => {
                const rl = createInterface({ input: io.stdin, output: io.stderr });
                try {
                    return await rl.question(question, { signal: io.signal });
                }
                finally {
                    rl.close();
                }
            }
            : undefined;
        const chosenRole = async (config, cache, doing) => {
            const decisions = await cache.lookupAll(config.roles);
            const live = decisions
                .flatMap((d) => (d.use ? [d] : []))
                .sort((a, b) => b.session.createdAt.getTime() - a.session.createdAt.getTime())
                .map((d) => d.role);
            const choice = chooseRole({
                flag: undefined,
                env: io.env.STRONGBOX_ROLE,
                configDefault: config.defaultRole,
                live,
            });
            log.debug(`role ${choice.role ?? "(none)"} from ${choice.source}`);
            if (choice.role === undefined || !isAmbiguous(choice))
                return choice.role;
            if (doing === undefined) {
                log.note(`using role ${choice.role}: the most recently logged-in of ${live.length} live sessions (${live.join(", ")}); choose with --role or STRONGBOX_ROLE`);
                return choice.role;
            }
            if (prompt === undefined)
                throw ambiguousRoleError(live, doing);
            const answer = (await prompt(`${live.length} role sessions are live (${live.join(", ")}). Role to ${doing} as [${choice.role}]: `)).trim();
            const picked = answer === "" ? choice.role : live.find((r) => r === answer);
            if (picked === undefined)
                throw ambiguousRoleError(live, doing);
            return picked;
        };
        return {
            globals,
            config: loadOnce,
            session: async (role, doing) => {
                const config = await loadOnce();
                const cache = sessionCacheOf(globals, io.now);
                return sessionForCommand({
                    cache,
                    config,
                    role: role ?? (await chosenRole(config, cache, doing)),
                    onDecision: log.debug,
                });
            },
            log,
            env: io.env,
            stdout: io.stdout,
            stderr: io.stderr,
            interactive,
            prompt,
            readStdin: () => readSmall(io.stdin, io.signal),
            signal: io.signal,
            now: io.now,
        };
    }
}
/** Reads a short input (a code, a line) to its end; refuses anything longer than 4 KiB. */
async function readSmall(stream, signal) {
    const chunks = [];
    let size = 0;
    for await (const chunk of stream) {
        if (signal.aborted)
            throw new StrongboxError("interrupted", "interrupted (Ctrl-C)");
        const buffer = Buffer.from(chunk);
        size += buffer.length;
        if (size > 4096)
            throw new StrongboxError("usage", "stdin holds more than a short code");
        chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
}
export function createLogger(stderr, debug, quiet = false) {
    return {
        info: (m) => {
            if (!quiet)
                stderr.write(`${printable(redact(m))}\n`);
        },
        note: (m) => stderr.write(`note: ${printable(redact(m))}\n`),
        warn: (m) => stderr.write(`warning: ${printable(redact(m))}\n`),
        debug: (m) => {
            if (debug)
                stderr.write(`debug: ${printable(redact(m))}\n`);
        },
    };
}
