export function createLimiter(limit) {
    if (!Number.isInteger(limit) || limit < 1)
        throw new RangeError(`limit must be ≥ 1, got ${limit}`);
    let active = 0;
    const waiting = [];
    // A finished task hands its slot straight to the next waiter, so no newcomer
    // can slip in between and exceed the limit.
    const acquire = () => {
        if (active < limit) {
            active++;
            return Promise.resolve();
        }
        return new Promise((resolve) => waiting.push(resolve));
    };
    const release = () => {
        const next = waiting.shift();
        if (next)
            next();
        else
            active--;
    };
    return {
        get active() {
            return active;
        },
        async run(task) {
            await acquire();
            try {
                return await task();
            }
            finally {
                release();
            }
        },
    };
}
/**
 * Run tasks concurrently (their own limiter bounds them); on the first failure,
 * call `stop` so the rest end early, wait for all to settle, and throw that first failure.
 */
export async function runAll(tasks, stop) {
    let first;
    const results = await Promise.allSettled(tasks.map((task) => task().catch((error) => {
        if (first === undefined) {
            first = { error };
            stop?.();
        }
        throw error;
    })));
    if (first !== undefined)
        throw first.error;
    return results.map((r) => r.value);
}
