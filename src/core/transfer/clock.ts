import { setTimeout as sleepTimer } from "node:timers/promises";

/** Time, injectable so tests control it. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    if (ms <= 0) return;
    await sleepTimer(ms, undefined, signal ? { signal } : undefined);
  },
};
