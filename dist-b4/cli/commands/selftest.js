import { randomBytes } from "node:crypto";
import { systemClock } from "../../core/audit/insights.js";
import { StrongboxError } from "../../core/errors.js";
import { ROLES } from "../../core/roles.js";
import { createHttpTransport } from "../../core/transfer/transport.js";
import { parseDurationSeconds, parsePositiveInt } from "../args.js";
import { invocation } from "../context.js";
import { table } from "../render.js";
/**
 * Checks the whole chain in the deployment with the role sessions you are
 * logged into (Admin at least). Steps the emulator cannot show are skipped
 * with the reason. Any failed step makes the command fail (exit 1) after
 * every step was reported on stderr.
 */
export async function selftest(options, deps) {
    const config = await deps.config();
    // Admin is required; the other roles' steps are skipped without their sessions.
    const admin = await deps.session("admin");
    const sessions = { admin };
    const sessionProblems = {};
    for (const role of ROLES) {
        if (role === "admin")
            continue;
        try {
            sessions[role] = await deps.session(role);
        }
        catch (err) {
            sessionProblems[role] = err instanceof StrongboxError ? err.message : `no ${role} session`;
        }
    }
    const { runSteps } = await import("../../core/selftest/runner.js");
    const { selftestSteps } = await import("../../core/selftest/steps.js");
    const http = createHttpTransport({ connections: 4 });
    const env = {
        config,
        emulator: config.endpoint !== undefined,
        sessions,
        sessionProblems,
        http,
        clock: systemClock,
        signal: deps.signal,
        runId: `${new Date(deps.now()).toISOString().replace(/[:.]/g, "-")}-${randomBytes(3).toString("hex")}`,
        burst: options.burst,
        alarmTimeoutMs: options.alarmTimeoutSeconds * 1000,
        state: {},
    };
    let report;
    try {
        report = await runSteps(selftestSteps(), env, {
            environment: env.emulator ? "emulator" : "aws",
            now: deps.now,
            signal: deps.signal,
            onStep: ({ name, index, total, result }) => {
                if (result === undefined) {
                    deps.log.info(`[${index + 1}/${total}] ${name}…`);
                }
                else {
                    deps.log.info(`[${index + 1}/${total}] ${result.status.toUpperCase()} ${name}: ${result.detail}`);
                }
            },
        });
    }
    finally {
        await http.close();
    }
    if (!report.ok) {
        const failed = report.steps.filter((s) => s.status === "fail");
        throw new StrongboxError("failed", `selftest: ${failed.length} of ${report.steps.length} steps failed: ${failed
            .map((s) => `${s.name} (${s.detail})`)
            .join("; ")}`, { hint: "each step's result is listed above on stderr" });
    }
    return report;
}
export function renderSelftest(report) {
    const rows = report.steps.map((step) => [step.status.toUpperCase(), step.name, step.detail]);
    return [
        `selftest on ${report.environment === "aws" ? "AWS" : "the local emulator"}`,
        table([["RESULT", "STEP", "DETAIL"], ...rows]),
        `${report.counts.pass} passed, ${report.counts.fail} failed, ${report.counts.skipped} skipped`,
    ].join("\n");
}
export function register(program, ctx) {
    program
        .command("selftest")
        .description("check the deployed chain: role rights and refusals, encryption, versioning, alarm and notification (Admin)")
        .option("--burst <n>", "deliberately refused uploads to raise the failed-uploads alarm", "10")
        .option("--alarm-timeout <duration>", "how long to wait for the alarm (CloudTrail delivery takes minutes)", "20m")
        .action((raw, cmd) => {
        const options = {
            burst: parsePositiveInt(raw.burst, "burst"),
            alarmTimeoutSeconds: parseDurationSeconds(raw.alarmTimeout, "alarm-timeout"),
        };
        return ctx.run(cmd, invocation("selftest", options, selftest, renderSelftest));
    });
}
