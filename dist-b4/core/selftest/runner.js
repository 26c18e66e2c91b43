import { redact } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
export const pass = (detail) => ({ status: "pass", detail });
export const fail = (detail) => ({ status: "fail", detail });
export const skipped = (detail) => ({ status: "skipped", detail });
/** A step's exception is its failure, described without secrets. */
function describe(err) {
    if (err instanceof StrongboxError) {
        return redact(err.hint === undefined ? err.message : `${err.message} (${err.hint})`);
    }
    const e = err;
    return redact(`${e?.name ?? "Error"}: ${e?.message ?? String(err)}`);
}
export async function runSteps(steps, env, options) {
    const reports = [];
    for (const [index, step] of steps.entries()) {
        if (options.signal?.aborted) {
            throw new StrongboxError("interrupted", `selftest interrupted before "${step.name}"`);
        }
        options.onStep?.({ name: step.name, index, total: steps.length });
        const startedAt = options.now();
        let outcome;
        try {
            outcome = await step.run(env);
        }
        catch (err) {
            if (options.signal?.aborted) {
                throw new StrongboxError("interrupted", `selftest interrupted during "${step.name}"`, {
                    cause: err,
                });
            }
            outcome = fail(describe(err));
        }
        const report = {
            name: step.name,
            proves: step.proves,
            ...outcome,
            durationMs: options.now() - startedAt,
        };
        reports.push(report);
        options.onStep?.({ name: step.name, index, total: steps.length, result: report });
    }
    const counts = { pass: 0, fail: 0, skipped: 0 };
    for (const report of reports)
        counts[report.status]++;
    return { environment: options.environment, steps: reports, counts, ok: counts.fail === 0 };
}
