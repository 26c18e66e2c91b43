import { constants } from "node:fs";
import { rm } from "node:fs/promises";
import { StrongboxError } from "../errors.js";
import { createExclusive, readOwnFile } from "./private.js";
import { isAlive, removeStaleLock } from "./stale-lock.js";

export interface PidLock {
  release(): Promise<void>;
}

/**
 * An O_EXCL lock file holding the owner's pid: a second process is refused
 * with `busy(pid)`; a lock whose process is gone (killed) is taken over, by
 * one process only when several try at once (see removeStaleLock).
 */
export async function acquirePidLock(
  lockPath: string,
  busy: (pid: number) => string,
): Promise<PidLock> {
  for (let tries = 0; tries < 50; tries++) {
    try {
      const handle = await createExclusive(lockPath, constants.O_WRONLY);
      try {
        await handle.writeFile(String(process.pid));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { release: () => rm(lockPath, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = await ownerOf(lockPath);
      if (owner === "gone") continue;
      if (owner === undefined) {
        throw new StrongboxError("failed", `The lock ${lockPath} is held but holds no pid.`, {
          hint: "If no other strongbox is running, remove that file and retry.",
        });
      }
      if (isAlive(owner)) {
        throw new StrongboxError("failed", busy(owner), {
          hint: `If no such process is running, remove ${JSON.stringify(lockPath)} and retry.`,
        });
      }
      await removeStaleLock(lockPath, owner);
    }
  }
  throw new StrongboxError("failed", `Could not take the lock ${lockPath}.`);
}

/**
 * The pid in a lock file. A lock is created (O_EXCL) a moment before its pid is
 * written, so an empty one is read again for a while: it is never taken for a
 * dead holder's (that was a window in which two processes both held the lock).
 * undefined when it still holds no pid: a crash mid-creation, left to a person.
 */
async function ownerOf(lockPath: string): Promise<number | "gone" | undefined> {
  for (let tries = 0; tries < 20; tries++) {
    // readOwnFile refuses a symlink or another user's file planted at the lock's name.
    const read = await readOwnFile(lockPath);
    if (read === undefined) return "gone"; // released meanwhile: try to take it
    const text = read.trim();
    if (/^[1-9]\d*$/.test(text)) return Number(text);
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}
