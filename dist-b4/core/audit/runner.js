import { StrongboxError } from "../errors.js";
export const DEFAULT_QUERY_TIMEOUT_MS = 120_000;
/**
 * Starts one Logs Insights query and polls it until it completes. On the
 * overall timeout or an abort (Ctrl-C) the query is stopped, so it does not
 * keep scanning (and billing) in the background.
 */
export async function runQuery(api, input, options) {
    const { clock, timeoutMs, signal } = options;
    const factor = options.backoffFactor ?? 1.5;
    const maxDelay = options.maxDelayMs ?? 5_000;
    let delay = options.initialDelayMs ?? 500;
    throwIfAborted(signal);
    const startedAt = clock.now();
    const deadline = startedAt + timeoutMs;
    const { queryId } = await api.startQuery(input);
    const stop = async () => {
        try {
            await api.stopQuery(queryId);
        }
        catch {
            // Best effort: the query may have finished meanwhile; the caller's error matters more.
        }
    };
    for (;;) {
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
            await stop();
            throw timeoutError(timeoutMs);
        }
        try {
            await clock.sleep(Math.min(delay, remaining), signal);
        }
        catch (cause) {
            await stop();
            throw interrupted(cause);
        }
        if (signal?.aborted) {
            await stop();
            throw interrupted(signal.reason);
        }
        delay = Math.min(Math.ceil(delay * factor), maxDelay);
        const results = await api.getQueryResults(queryId);
        const elapsedMs = clock.now() - startedAt;
        options.onPoll?.(results.status, elapsedMs);
        switch (results.status) {
            case "Complete":
                return { ...results, queryId, elapsedMs };
            case "Failed":
                throw new StrongboxError("failed", "CloudWatch Logs Insights reported the query as failed", {
                    hint: "check the saved query's syntax in the CloudWatch console (Logs Insights → Saved queries)",
                });
            case "Cancelled":
                throw new StrongboxError("failed", "the Logs Insights query was cancelled before it finished", {
                    hint: "someone (or the service) stopped it; run the command again",
                });
            case "Timeout":
                throw new StrongboxError("failed", "CloudWatch Logs Insights timed the query out", {
                    hint: "use a shorter --since window",
                });
            default:
                // Scheduled, Running, Unknown: keep polling until the deadline.
                break;
        }
    }
}
function timeoutError(timeoutMs) {
    return new StrongboxError("failed", `the Logs Insights query did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`, { hint: "use a shorter --since window, or a longer --timeout" });
}
function interrupted(cause) {
    return new StrongboxError("interrupted", "the audit query was interrupted and stopped", {
        cause,
    });
}
function throwIfAborted(signal) {
    if (signal?.aborted)
        throw interrupted(signal.reason);
}
