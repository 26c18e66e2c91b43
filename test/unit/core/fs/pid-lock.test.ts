import { readFile, utimes, writeFile } from "node:fs/promises";
import { uptime } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { acquirePidLock } from "../../../../src/core/fs/pid-lock.js";
import { workdir } from "../transfer/download-fixtures.js";

const busy = (pid: number) => `busy: ${pid}`;
/** A time before this machine last booted. */
const beforeBoot = () => new Date(Date.now() - uptime() * 1000 - 3600_000);

describe("pid lock", () => {
  it("a lock written before the machine booted is taken over, even an empty one (a crash mid-creation)", async () => {
    const lock = join(await workdir(), "x.lock");
    await writeFile(lock, "", { mode: 0o600 });
    await utimes(lock, beforeBoot(), beforeBoot());
    const held = await acquirePidLock(lock, busy);
    expect(await readFile(lock, "utf8")).toBe(String(process.pid));
    await held.release();
  });

  it("a pid from before the boot is not trusted: another process may have it now", async () => {
    const lock = join(await workdir(), "x.lock");
    await writeFile(lock, String(process.ppid), { mode: 0o600 });
    await utimes(lock, beforeBoot(), beforeBoot());
    const held = await acquirePidLock(lock, busy);
    expect(await readFile(lock, "utf8")).toBe(String(process.pid));
    await held.release();
  });

  it("a lock written since the boot by a live process is still refused", async () => {
    const lock = join(await workdir(), "x.lock");
    await writeFile(lock, String(process.ppid), { mode: 0o600 });
    await expect(acquirePidLock(lock, busy)).rejects.toThrow(`busy: ${process.ppid}`);
  });

  it("a second acquisition in the same process is refused while the first holds it", async () => {
    const lock = join(await workdir(), "x.lock");
    const held = await acquirePidLock(lock, busy);
    await expect(acquirePidLock(lock, busy)).rejects.toThrow(`busy: ${process.pid}`);
    await held.release();
    await (await acquirePidLock(lock, busy)).release();
  });
});
