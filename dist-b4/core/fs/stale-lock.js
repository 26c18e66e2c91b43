import { constants } from "node:fs";
import { rm } from "node:fs/promises";
import { StrongboxError } from "../errors.js";
import { createExclusive, readOwnFile } from "./private.js";
/** Whether a process with this pid exists (EPERM: it does, as another user). */
export function isAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === "EPERM";
    }
}
/**
 * Removes a lock file whose holder is gone, so that at most one
 * process ever removes it. Two processes that both read the dead pid used to
 * remove "the" lock in turn: the second removal deleted the lock the first had
 * just created, and both went on holding it. Now the removal happens only
 * while holding a second O_EXCL file (`<lock>.takeover`), and only if
 * `stillStale` says so when asked again under it (the lock still holds the dead
 * pid, or still predates the boot): no one else removes the lock meanwhile, and
 * a lock taken in the meantime is left alone.
 *
 * Returns when the caller should try to create the lock again: after removing
 * it, or after a short wait while another process takes it over.
 */
export async function removeStaleLock(lockPath, stillStale) {
    const marker = `${lockPath}.takeover`;
    let handle;
    try {
        handle = await createExclusive(marker, constants.O_WRONLY);
    }
    catch (error) {
        if (error.code !== "EEXIST")
            throw error;
        await refuseAbandonedTakeover(lockPath, marker);
        await new Promise((r) => setTimeout(r, 10));
        return;
    }
    try {
        try {
            await handle.writeFile(String(process.pid));
        }
        finally {
            await handle.close();
        }
        if (await stillStale())
            await rm(lockPath, { force: true });
    }
    finally {
        await rm(marker, { force: true });
    }
}
/** A takeover file left by a process that died while taking the lock over is left to a person. */
async function refuseAbandonedTakeover(lockPath, marker) {
    const text = (await readOwnFile(marker))?.trim();
    if (text === undefined || !/^[1-9]\d*$/.test(text))
        return; // gone, or being written
    if (isAlive(Number(text)))
        return;
    throw new StrongboxError("failed", `The lock ${lockPath} belongs to a process that is gone, and process ${text} stopped while taking it over.`, {
        hint: `If no other strongbox is running, remove ${JSON.stringify(marker)} and ${JSON.stringify(lockPath)}, then retry.`,
    });
}
