import { createHash, randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { StrongboxError } from "../errors.js";

/** What identifies one upload: the same file (path, size, mtime) to the same place. */
export interface ResumeIdentity {
  /** Absolute path of the source file. */
  path: string;
  size: number;
  mtimeMs: number;
  bucket: string;
  key: string;
}

export interface RecordedPart {
  number: number;
  size: number;
  etag: string;
  checksumSha256: string;
}

export interface ResumeRecord extends ResumeIdentity {
  version: 1;
  uploadId: string;
  partSize: number;
  parts: RecordedPart[];
  createdAt: string;
}

export interface RecordLock {
  release(): Promise<void>;
}

/** Where resume records live; injectable so tests can keep them in memory. */
export interface StateStore {
  /** Exclusive: a second process uploading the same file is refused. */
  lock(identity: ResumeIdentity): Promise<RecordLock>;
  load(identity: ResumeIdentity): Promise<ResumeRecord | undefined>;
  save(record: ResumeRecord): Promise<void>;
  remove(identity: ResumeIdentity): Promise<void>;
}

export function recordId(identity: ResumeIdentity): string {
  const { path, size, mtimeMs, bucket, key } = identity;
  return createHash("sha256")
    .update(JSON.stringify([path, size, mtimeMs, bucket, key]))
    .digest("hex")
    .slice(0, 32);
}

const sameIdentity = (a: ResumeIdentity, b: ResumeIdentity) =>
  a.path === b.path &&
  a.size === b.size &&
  a.mtimeMs === b.mtimeMs &&
  a.bucket === b.bucket &&
  a.key === b.key;

/**
 * Resume records as JSON files in `dir` (normally <dirname(config)>/transfers/),
 * written atomically (temp file + rename) and guarded by an O_EXCL lock file that
 * holds the owner's pid, so a lock left by a killed process is recognised as stale.
 */
export function createFileStateStore(dir: string): StateStore {
  const file = (identity: ResumeIdentity) => join(dir, `upload-${recordId(identity)}.json`);
  const ensureDir = () => mkdir(dir, { recursive: true, mode: 0o700 });

  return {
    async lock(identity) {
      await ensureDir();
      const lockPath = `${file(identity)}.lock`;
      // The lock appears with its owner's pid already in it: written to a private
      // file, then hard-linked into place (atomic, fails if the lock exists). So no
      // one can ever see an empty lock and take it for a dead one.
      const mine = `${lockPath}.${process.pid}.${randomBytes(6).toString("hex")}`;
      await writeDurably(mine, String(process.pid));
      try {
        for (let tries = 0; tries < 2; tries++) {
          try {
            await link(mine, lockPath);
            return { release: () => rm(lockPath, { force: true }) };
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
            const text = (await readFile(lockPath, "utf8").catch(() => "")).trim();
            const owner = Number(text);
            if (!/^\d+$/.test(text) || !Number.isInteger(owner) || owner <= 0) {
              throw new StrongboxError(
                "failed",
                `The resume lock of "${identity.key}" is held but unreadable (${lockPath}).`,
                { hint: "If no other strongbox is running, remove that file and retry." },
              );
            }
            if (isAlive(owner)) {
              throw new StrongboxError(
                "failed",
                `Another strongbox process (pid ${owner}) is already uploading this file to "${identity.key}".`,
              );
            }
            // Its owner is gone (killed): the lock is stale.
            await rm(lockPath, { force: true });
          }
        }
      } finally {
        await rm(mine, { force: true });
      }
      throw new StrongboxError("failed", `Could not lock the resume record for "${identity.key}".`);
    },
    async load(identity) {
      let text: string;
      try {
        text = await readFile(file(identity), "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
      }
      try {
        const record = JSON.parse(text) as ResumeRecord;
        if (record?.version !== 1 || !sameIdentity(record, identity)) return undefined;
        // A record that isn't whole (hand-edited, foreign, an older shape) is ignored: start over.
        return wellFormed(record) ? record : undefined;
      } catch {
        return undefined; // a torn or foreign file: start over
      }
    },
    async save(record) {
      await ensureDir();
      const target = file(record);
      const temp = `${target}.${process.pid}.tmp`;
      // fsynced before the rename and the folder after it: after a crash the record
      // is the old one or the new one, whole, never an empty file.
      await writeDurably(temp, JSON.stringify(record), "w");
      await rename(temp, target);
      await syncFolder(dir);
    },
    async remove(identity) {
      await rm(file(identity), { force: true });
    },
  };
}

const isCount = (n: unknown, min: number) => Number.isSafeInteger(n) && (n as number) >= min;

function wellFormed(record: ResumeRecord): boolean {
  return (
    typeof record.uploadId === "string" &&
    record.uploadId !== "" &&
    isCount(record.partSize, 1) &&
    Array.isArray(record.parts) &&
    record.parts.every(
      (p) =>
        typeof p === "object" &&
        p !== null &&
        isCount(p.number, 1) &&
        p.number <= 10_000 &&
        isCount(p.size, 0) &&
        typeof p.etag === "string" &&
        typeof p.checksumSha256 === "string",
    )
  );
}

async function writeDurably(path: string, text: string, flags = "wx"): Promise<void> {
  const handle = await open(path, flags, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(path: string): Promise<void> {
  const handle = await open(path, "r").catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
