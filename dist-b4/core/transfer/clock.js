import { setTimeout as sleepTimer } from "node:timers/promises";
export const systemClock = {
    now: () => Date.now(),
    sleep: async (ms, signal) => {
        if (ms <= 0)
            return;
        await sleepTimer(ms, undefined, signal ? { signal } : undefined);
    },
};
