/** Runs at most `limit` tasks at once; the rest wait in order. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`limit must be ≥ 1, got ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];
  // A finished task hands its slot straight to the next waiter, so no newcomer
  // can slip in between and exceed the limit.
  const acquire = (): Promise<void> => {
    if (active < limit) {
      active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return {
    get active() {
      return active;
    },
    async run(task) {
      await acquire();
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}

/**
 * Run tasks concurrently (their own limiter bounds them); on the first failure,
 * call `stop` so the rest end early, wait for all to settle, and throw that first failure.
 */
export async function runAll<T>(tasks: Array<() => Promise<T>>, stop?: () => void): Promise<T[]> {
  let first: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    tasks.map((task) =>
      task().catch((error: unknown) => {
        if (first === undefined) {
          first = { error };
          stop?.();
        }
        throw error;
      }),
    ),
  );
  if (first !== undefined) throw first.error;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
