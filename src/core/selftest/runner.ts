import { redact } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";

/**
 * `strongbox selftest` as data: a list of steps, each saying what it proves,
 * run in order against one environment. A step passes, fails, or is skipped
 * with the reason (the emulator cannot show it, a session is missing, an
 * earlier step it builds on did not pass).
 */

export type StepStatus = "pass" | "fail" | "skipped";

export interface StepOutcome {
  status: StepStatus;
  /** What was seen (pass), what went wrong (fail), or why it did not run (skipped). */
  detail: string;
}

export const pass = (detail: string): StepOutcome => ({ status: "pass", detail });
export const fail = (detail: string): StepOutcome => ({ status: "fail", detail });
export const skipped = (detail: string): StepOutcome => ({ status: "skipped", detail });

export interface SelftestStep<Env> {
  name: string;
  /** One sentence: the part of the chain this step proves. */
  proves: string;
  run(env: Env): Promise<StepOutcome>;
}

export interface StepReport extends StepOutcome {
  name: string;
  proves: string;
  durationMs: number;
}

export interface SelftestReport {
  environment: "aws" | "emulator";
  steps: StepReport[];
  counts: Record<StepStatus, number>;
  /** True when no step failed. */
  ok: boolean;
}

export interface RunOptions {
  environment: "aws" | "emulator";
  now: () => number;
  signal?: AbortSignal;
  /** Called as each step starts and ends (progress on stderr). */
  onStep?: (event: { name: string; index: number; total: number; result?: StepReport }) => void;
}

/** A step's exception is its failure, described without secrets. */
function describe(err: unknown): string {
  if (err instanceof StrongboxError) {
    return redact(err.hint === undefined ? err.message : `${err.message} (${err.hint})`);
  }
  const e = err as { name?: string; message?: string } | undefined;
  return redact(`${e?.name ?? "Error"}: ${e?.message ?? String(err)}`);
}

export async function runSteps<Env>(
  steps: SelftestStep<Env>[],
  env: Env,
  options: RunOptions,
): Promise<SelftestReport> {
  const reports: StepReport[] = [];
  for (const [index, step] of steps.entries()) {
    if (options.signal?.aborted) {
      throw new StrongboxError("interrupted", `selftest interrupted before "${step.name}"`);
    }
    options.onStep?.({ name: step.name, index, total: steps.length });
    const startedAt = options.now();
    let outcome: StepOutcome;
    try {
      outcome = await step.run(env);
    } catch (err) {
      if (options.signal?.aborted) {
        throw new StrongboxError("interrupted", `selftest interrupted during "${step.name}"`, {
          cause: err,
        });
      }
      outcome = fail(describe(err));
    }
    const report: StepReport = {
      name: step.name,
      proves: step.proves,
      ...outcome,
      durationMs: options.now() - startedAt,
    };
    reports.push(report);
    options.onStep?.({ name: step.name, index, total: steps.length, result: report });
  }
  const counts = { pass: 0, fail: 0, skipped: 0 };
  for (const report of reports) counts[report.status]++;
  return { environment: options.environment, steps: reports, counts, ok: counts.fail === 0 };
}
