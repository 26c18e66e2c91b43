import { unlinkSync } from "node:fs";
import { lstat } from "node:fs/promises";
import { uptime } from "node:os";
import { StrongboxError } from "../errors.js";
import { createLockFileSync, readOwnFile } from "./private.js";
import { isAlive, removeStaleLock } from "./stale-lock.js";

export interface PidLock {
  release(): Promise<void>;
}

/**
 * An O_EXCL lock file holding the owner's pid: a second process is refused
 * with `busy(pid)`; a lock whose process is gone (killed) is taken over, and so
 * is one written before this machine last booted (whatever it holds) — by one
 * process only when several try at once (see removeStaleLock).
 *
 * The pid is written, not fsync'd: exclusion is between live processes, which
 * all read the lock through the page cache, so its pid is visible to them as
 * soon as the write returns. Only a crash of the machine can lose it, and then
 * every holder is gone with it: such a lock predates the boot and is taken
 * over (a synced pid would even be wrong then: another process may have it
 * since). The state a lock guards (a partial download and its record, an
 * upload's record) is synced by its own writer.
 */
export async function acquirePidLock(
  lockPath: string,
  busy: (pid: number) => string,
): Promise<PidLock> {
  for (let tries = 0; tries < 50; tries++) {
    try {
      createLockFileSync(lockPath, String(process.pid));
      return { release: async () => removeIfThere(lockPath) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = await ownerOf(lockPath);
      if (owner === "gone") continue;
      if (owner === "before-boot") {
        await removeStaleLock(lockPath, () => predatesBoot(lockPath));
        continue;
      }
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
      await removeStaleLock(
        lockPath,
        async () => (await readOwnFile(lockPath))?.trim() === String(owner),
      );
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
async function ownerOf(lockPath: string): Promise<number | "gone" | "before-boot" | undefined> {
  for (let tries = 0; tries < 20; tries++) {
    // readOwnFile refuses a symlink or another user's file planted at the lock's name.
    const read = await readOwnFile(lockPath);
    if (read === undefined) return "gone"; // released meanwhile: try to take it
    if (await predatesBoot(lockPath)) return "before-boot";
    const text = read.trim();
    if (/^[1-9]\d*$/.test(text)) return Number(text);
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}
/** Margin for the boot time's rounding (uptime is read a moment after the clock). */
const BOOT_MARGIN_MS = 5000;

/** Written before the machine last booted: no process alive now holds it. */
async function predatesBoot(lockPath: string): Promise<boolean> {
  const stats = await lstat(lockPath).catch(() => undefined);
  if (stats === undefined) return false; // released meanwhile: the next read says so
  const booted = Date.now() - uptime() * 1000;
  return stats.mtimeMs < booted - BOOT_MARGIN_MS;
}

/** unlink, where gone already is fine (one synchronous system call: rm's force option lstats first). */
function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
