import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { StrongboxError } from "../errors.js";
import { ensurePrivateDir, writeJsonAtomic } from "../fs/atomic.js";
import { acquirePidLock } from "../fs/pid-lock.js";
import { checkOwnFile, readOwnFile } from "../fs/private.js";
export function recordId(identity) {
    const { path, size, mtimeMs, bucket, key } = identity;
    return createHash("sha256")
        .update(JSON.stringify([path, size, mtimeMs, bucket, key]))
        .digest("hex")
        .slice(0, 32);
}
const sameIdentity = (a, b) => a.path === b.path &&
    a.size === b.size &&
    a.mtimeMs === b.mtimeMs &&
    a.bucket === b.bucket &&
    a.key === b.key;
/**
 * Resume records as JSON files in `dir` (normally <dirname(config)>/transfers/, 0700),
 * each 0600 and written atomically (exclusive temp file + fsync + rename), read
 * without following a symlink (a symlink or another user's file there is
 * refused), and guarded by an O_EXCL lock file that holds the owner's pid, so a
 * lock left by a killed process is recognised as stale.
 */
export function createFileStateStore(dir) {
    const file = (identity) => join(dir, `upload-${recordId(identity)}.json`);
    return {
        async lock(identity) {
            await ensurePrivateDir(dir);
            return acquirePidLock(`${file(identity)}.lock`, (pid) => `Another strongbox process (pid ${pid}) is already uploading this file to "${identity.key}".`);
        },
        async load(identity) {
            const text = await readOwnFile(file(identity));
            if (text === undefined)
                return undefined;
            try {
                const record = JSON.parse(text);
                if (record?.version !== 1 || !sameIdentity(record, identity))
                    return undefined;
                // A record that isn't whole (hand-edited, foreign, an older shape) is ignored: start over.
                return wellFormed(record) ? record : undefined;
            }
            catch {
                return undefined; // a torn or foreign file: start over
            }
        },
        async save(record) {
            const target = file(record);
            await checkOwnFile(target);
            await writeJsonAtomic(target, record);
        },
        async remove(identity) {
            await rm(file(identity), { force: true });
        },
    };
}
/**
 * Resume records in memory (tests, and callers with nothing to resume across
 * runs): the same interface, one writer per record.
 */
export function createMemoryStateStore(initial = []) {
    const records = new Map(initial.map((r) => [recordId(r), r]));
    const locked = new Set();
    return {
        records,
        async lock(identity) {
            const id = recordId(identity);
            if (locked.has(id)) {
                throw new StrongboxError("failed", `Another transfer is already uploading this file to "${identity.key}".`);
            }
            locked.add(id);
            return { release: async () => void locked.delete(id) };
        },
        load: async (identity) => records.get(recordId(identity)),
        save: async (record) => void records.set(recordId(record), structuredClone(record)),
        remove: async (identity) => void records.delete(recordId(identity)),
    };
}
const isCount = (n, min) => Number.isSafeInteger(n) && n >= min;
function wellFormed(record) {
    return (typeof record.uploadId === "string" &&
        record.uploadId !== "" &&
        isCount(record.partSize, 1) &&
        Array.isArray(record.parts) &&
        record.parts.every((p) => typeof p === "object" &&
            p !== null &&
            isCount(p.number, 1) &&
            p.number <= 10_000 &&
            isCount(p.size, 0) &&
            typeof p.etag === "string" &&
            typeof p.checksumSha256 === "string"));
}
