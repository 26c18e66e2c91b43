import { createHash } from "node:crypto";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StrongboxError } from "../errors.js";
import type { RecordedPart } from "./resume.js";

/** What identifies one upload: the same file (path, size, mtime) to the same place. */
export interface ResumeIdentity {
  /** Absolute path of the source file. */
  path: string;
  size: number;
  mtimeMs: number;
  bucket: string;
  key: string;
}

export type { RecordedPart } from "./resume.js";

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
      for (let tries = 0; tries < 2; tries++) {
        try {
          const handle = await open(lockPath, "wx", 0o600);
          await handle.writeFile(String(process.pid));
          await handle.close();
          return { release: () => rm(lockPath, { force: true }) };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
          const owner = Number((await readFile(lockPath, "utf8").catch(() => "")).trim());
          if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
            throw new StrongboxError(
              "failed",
              `Another strongbox process (pid ${owner}) is already uploading this file to "${identity.key}".`,
            );
          }
          await rm(lockPath, { force: true });
        }
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
        if (record.version !== 1 || !sameIdentity(record, identity)) return undefined;
        return record;
      } catch {
        return undefined; // a torn or foreign file: start over
      }
    },
    async save(record) {
      await ensureDir();
      const target = file(record);
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(record), { mode: 0o600 });
      await rename(temp, target);
    },
    async remove(identity) {
      await rm(file(identity), { force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
