import { constants } from "node:fs";
import { rm } from "node:fs/promises";
import { StrongboxError } from "../errors.js";
import { createExclusive, readOwnFile } from "./private.js";

export interface PidLock {
  release(): Promise<void>;
}

/**
 * An O_EXCL lock file holding the owner's pid: a second process is refused
 * with `busy(pid)`; a lock whose process is gone (killed) is taken over.
 */
export async function acquirePidLock(
  lockPath: string,
  busy: (pid: number) => string,
): Promise<PidLock> {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await createExclusive(lockPath, constants.O_WRONLY);
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return { release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // readOwnFile refuses a symlink or another user's file planted at the lock's name.
      const owner = Number(((await readOwnFile(lockPath)) ?? "").trim());
      if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
        throw new StrongboxError("failed", busy(owner), {
          hint: `If no such process is running, remove ${JSON.stringify(lockPath)} and retry.`,
        });
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new StrongboxError("failed", `Could not take the lock ${lockPath}.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
