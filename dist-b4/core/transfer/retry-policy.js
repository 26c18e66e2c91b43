export const DEFAULT_RETRY = { maxAttempts: 6, baseDelayMs: 250, maxDelayMs: 20_000 };
/** S3 error codes that say "try again" even on a 4xx. */
const RETRYABLE_CODES = new Set([
    "RequestTimeout",
    "SlowDown",
    "InternalError",
    "ServiceUnavailable",
]);
/**
 * The one place that decides whether a failed attempt is retried, and after how
 * long: exponential backoff with full jitter (delay uniform in [0, min(cap, base·2^(n−1))]).
 * `attempt` counts the attempts already made (1 after the first failure).
 */
export function decideRetry(failure, attempt, options = DEFAULT_RETRY, random = Math.random) {
    const reason = describe(failure);
    if (failure.kind === "aborted")
        return { retry: false, delayMs: 0, reason };
    if (attempt >= options.maxAttempts) {
        return { retry: false, delayMs: 0, reason: `${reason}; gave up after ${attempt} attempts` };
    }
    const backoff = () => Math.floor(random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1)));
    // A URL that expired in a queue is signed again at once: nothing to wait for.
    if (failure.kind === "url-expired")
        return { retry: true, delayMs: 0, reason };
    if (failure.kind === "network" || failure.kind === "timeout" || failure.kind === "integrity") {
        return { retry: true, delayMs: backoff(), reason };
    }
    if (failure.code !== undefined && RETRYABLE_CODES.has(failure.code)) {
        return { retry: true, delayMs: backoff(), reason };
    }
    const status = failure.status;
    if (status !== undefined && (status >= 500 || status === 429)) {
        return { retry: true, delayMs: backoff(), reason };
    }
    return { retry: false, delayMs: 0, reason };
}
function describe(failure) {
    const parts = [];
    if (failure.status !== undefined)
        parts.push(`HTTP ${failure.status}`);
    if (failure.code !== undefined)
        parts.push(failure.code);
    if (failure.kind !== undefined)
        parts.push(failure.kind);
    return parts.join(" ") || "unknown failure";
}
