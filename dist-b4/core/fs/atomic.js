import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
/**
 * Writes `path` owner-only (0600) so a reader sees either the old or the new
 * content, never half of it: write a temp file in the same directory, fsync, rename.
 * A missing directory is created 0700.
 */
export async function writeFileAtomic(path, content) {
    const dir = dirname(path);
    await ensurePrivateDir(dir);
    const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const handle = await open(temp, "wx", 0o600);
    try {
        await handle.writeFile(content, "utf8");
        await handle.sync();
    }
    catch (err) {
        await handle.close();
        await rm(temp, { force: true });
        throw err;
    }
    await handle.close();
    try {
        // open()'s mode is filtered by the umask; 0600 is the point, so set it explicitly.
        await chmod(temp, 0o600);
        await rename(temp, path);
    }
    catch (err) {
        await rm(temp, { force: true });
        throw err;
    }
    // The rename itself is made durable too: after a crash the name holds the old or the new file.
    await syncDir(dir);
}
/** `value` as JSON, written as writeFileAtomic does: the one way any JSON state reaches disk. */
export async function writeJsonAtomic(path, value, options = {}) {
    const text = options.pretty ? `${JSON.stringify(value, null, 2)}\n` : JSON.stringify(value);
    await writeFileAtomic(path, text);
}
async function syncDir(dir) {
    const handle = await open(dir, "r").catch(() => undefined);
    if (!handle)
        return;
    await handle.sync().catch(() => { });
    await handle.close();
}
/** Creates `dir` (and parents) if missing; a directory we create is 0700. */
export async function ensurePrivateDir(dir) {
    const created = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (created !== undefined)
        await chmod(dir, 0o700);
}
