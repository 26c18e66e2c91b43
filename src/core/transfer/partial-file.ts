import { createHash } from "node:crypto";
import { constants, renameSync } from "node:fs";
import { type FileHandle, lstat, open, readdir, rm } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { writeJsonAtomic } from "../fs/atomic.js";
import { acquirePidLock, type PidLock } from "../fs/pid-lock.js";
import {
  checkOwnFile,
  createExclusive,
  newFileMode,
  type OwnerOptions,
  openOwnFile,
  readOwnFile,
} from "../fs/private.js";
import { digestOfRange } from "./checksum.js";
import { IN_MEMORY_BYTES, memoryPartial } from "./partial-memory.js";
import {
  type PartialDownload,
  type PartialIdentity,
  type PartialStore,
  rangeLength,
  sameIdentity,
} from "./partial-store.js";

/**
 * The files of a download in progress, next to its target: the partial file
 * (`<target>.strongbox-partial`), its resume record (`….json`) and a pid lock
 * (`….lock`) so two processes never write one partial. The partial is created
 * with O_EXCL | O_NOFOLLOW, 0600; the record is replaced atomically (exclusive
 * temp file, fsync, rename). Whatever else sits at those names (a symlink, a
 * folder, another user's file) is refused, never followed or removed. A
 * resumed range is trusted only when its bytes on disk still hash to the
 * digest taken while it streamed in; the composite check against S3's part
 * checksums then runs on those digests.
 */
export const PARTIAL_SUFFIX = ".strongbox-partial";

interface PartialRecord extends PartialIdentity {
  version: 1;
  done: number[];
  /** SHA-256 (base64) of each fetched range, computed while it streamed in. */
  digests?: Record<string, string>;
}

/** Partial downloads as files next to their target (the CLI's store). */
export function createFilePartialStore(
  options: OwnerOptions & {
    /** A batch: sync each target's folder here, later, instead of after each file. */
    folders?: FolderSync;
  } = {},
): PartialStore {
  const batch = { ...options, leftovers: options.folders ? listedLeftovers() : lookUp };
  return { open: (target, identity) => openPartial(target, identity, batch) };
}

type PartialFileOptions = OwnerOptions & { folders?: FolderSync; leftovers?: LeftoverCheck };

export async function openPartial(
  target: string,
  identity: PartialIdentity,
  options: PartialFileOptions = {},
): Promise<PartialDownload> {
  const path = `${target}${PARTIAL_SUFFIX}`;
  const recordPath = `${path}.json`;
  const syncFolder = folderDurability(options.folders);
  // A small single-request download with nothing of an earlier run to resume or clear away.
  if (
    identity.size <= IN_MEMORY_BYTES &&
    identity.chunkSize >= identity.size &&
    !(await (options.leftovers ?? lookUp)(target))
  ) {
    return memoryPartial(path, syncFolder);
  }
  const lock = await acquirePidLock(
    `${path}.lock`,
    (pid) => `Another strongbox process (pid ${pid}) is already downloading to ${target}.`,
  );
  let fh: FileHandle | undefined;
  try {
    // Whatever is found missing here stays missing: only a holder of the lock writes these.
    const partialThere = (await checkOwnFile(path, options)) === "ours";
    const recordThere = (await checkOwnFile(recordPath, options)) === "ours";
    const previous = recordThere ? parseRecord(await readOwnFile(recordPath, options)) : undefined;
    if (previous !== undefined && sameIdentity(previous, identity)) {
      fh = await openOwnFile(path, constants.O_RDWR, options);
      if (fh !== undefined && (await fh.stat()).size !== identity.size) {
        await fh.close();
        fh = undefined;
      }
    }
    const done = new Set<number>();
    const digests = new Map<number, string>();
    let discarded = 0;
    // Resuming keeps the earlier record on disk; otherwise there is none until a save.
    const resuming = fh !== undefined && previous !== undefined;
    if (fh !== undefined && previous !== undefined) {
      for (const index of new Set(previous.done)) {
        const recorded = previous.digests?.[String(index)];
        const start = index * identity.chunkSize;
        const length = rangeLength(identity, index);
        if (
          recorded !== undefined &&
          length > 0 &&
          (await hashRange(fh, start, length)) === recorded
        ) {
          done.add(index);
          digests.set(index, recorded);
        } else discarded++;
      }
    } else {
      // Only our own regular files reach this point (checkOwnFile): a stale partial or record.
      if (partialThere) await rm(path, { force: true });
      if (recordThere) await rm(recordPath, { force: true });
      fh = await createExclusive(path);
      // Ranges land anywhere in the file: it takes its full size first. A
      // single range writes it from the start, so it grows as it goes.
      if (identity.chunkSize < identity.size) await fh.truncate(identity.size);
    }
    return partialDownload(
      path,
      recordPath,
      fh,
      identity,
      done,
      digests,
      discarded,
      lock,
      syncFolder,
      resuming,
    );
  } catch (error) {
    await fh?.close().catch(() => {});
    await lock.release();
    throw error;
  }
}

/**
 * A range's record is saved at most this often (the first at once), and only
 * when a range has finished: each save is an fdatasync of the partial, then an
 * fsync'd record and its folder. A crash loses at most the ranges of the last
 * interval; a stop (error, Ctrl-C) saves them all. The syncs also spread the
 * write-back, so the final fsync has less left: 250 ms against 1 s took a
 * 256 MiB download from 0.75 to 0.70 s (bench/README.md, "Resume-record saves").
 */
const SAVE_INTERVAL_MS = 250;

function partialDownload(
  path: string,
  recordPath: string,
  fh: FileHandle,
  identity: PartialIdentity,
  done: Set<number>,
  digests: Map<number, string>,
  discarded: number,
  lock: PidLock,
  syncFolder: (dir: string) => Promise<void>,
  recordOnDisk: boolean,
): PartialDownload {
  let saving: Promise<void> = Promise.resolve();
  let queued: Promise<void> | undefined;
  let lastSave = Number.NEGATIVE_INFINITY;
  /** Ranges in the record on disk; undefined until this run asked for a record (ranged downloads do). */
  let recorded: number | undefined;
  /**
   * One save after those under way; calls meanwhile join it. The ranges it
   * records are taken before the sync, so the record never claims a range
   * whose bytes were not on disk first.
   */
  const saveNow = (): Promise<void> => {
    if (queued) return queued;
    lastSave = Date.now();
    queued = saving.then(async () => {
      queued = undefined;
      const record: PartialRecord = {
        version: 1,
        ...identity,
        done: [...done].sort((a, b) => a - b),
        digests: Object.fromEntries(digests),
      };
      await fh.datasync();
      await writeJsonAtomic(recordPath, record);
      recorded = record.done.length;
    });
    saving = queued;
    return queued;
  };
  return {
    done,
    digests,
    kept: done.size,
    discarded,
    write: async (buffers, position) => {
      await fh.writev(buffers, position);
    },
    // Through the path, as any reader of the finished file would see it.
    digest: (algorithm, start, length) => digestOfRange(algorithm, path, start, length),
    save() {
      recorded ??= 0;
      return Date.now() - lastSave < SAVE_INTERVAL_MS ? Promise.resolve() : saveNow();
    },
    settled: () => saving,
    async commit(target) {
      await saving;
      await fh.sync();
      // Verified: the file gets the mode any new file of this user gets (0644
      // under the usual umask); only the partial stays owner-only.
      await fh.chmod(newFileMode());
      await fh.close();
      renameSync(path, target); // synchronous (bench/README.md, "Thread-pool hand-offs")
      if (recordOnDisk || recorded !== undefined) await rm(recordPath, { force: true });
      await syncFolder(dirname(target));
      await lock.release();
    },
    async abandon(removeFiles) {
      await saving.catch(() => {});
      // Stopping keeps every range fetched so far, not only those of the last save.
      if (!removeFiles && recorded !== undefined && done.size > recorded) {
        await saveNow().catch(() => {});
      }
      await fh.close().catch(() => {});
      if (removeFiles) {
        await rm(path, { force: true });
        await rm(recordPath, { force: true });
      }
      await lock.release();
    },
  };
}

/** Folders whose new names are made durable together, once each, at the end of a batch. */
export interface FolderSync {
  add(dir: string): void;
  flush(): Promise<void>;
}

export function folderSync(): FolderSync {
  const dirs = new Set<string>();
  return {
    add: (dir) => void dirs.add(dir),
    async flush() {
      const all = [...dirs];
      dirs.clear();
      await Promise.all(all.map(syncDir));
    },
  };
}

/** A folder's new names made durable: at once (one download), or with the batch's (`folders`). */
const folderDurability =
  (folders: FolderSync | undefined) =>
  async (dir: string): Promise<void> => {
    if (folders) folders.add(dir);
    else await syncDir(dir);
  };

/** Whether an earlier run left the partial download of `target` (or its record) next to it. */
type LeftoverCheck = (target: string) => Promise<boolean>;

/**
 * One download: two lookups (asynchronous: in a folder being written to, a
 * lookup waits for the creates and renames under way).
 */
const lookUp: LeftoverCheck = async (target) => {
  const path = `${target}${PARTIAL_SUFFIX}`;
  const found = await Promise.all(
    [path, `${path}.json`].map((p) =>
      lstat(p).then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.includes(true);
};

/**
 * A batch: each folder read once, before any file of the batch lands in it
 * (every file waits for its folder's listing before it starts).
 */
function listedLeftovers(): LeftoverCheck {
  const byFolder = new Map<string, Promise<Set<string> | undefined>>();
  return async (target) => {
    const folder = dirname(target);
    let names = byFolder.get(folder);
    if (names === undefined) {
      names = readdir(folder).then(
        (entries) =>
          new Set(
            entries
              .filter((name) => name.includes(PARTIAL_SUFFIX))
              .map((name) => name.slice(0, name.indexOf(PARTIAL_SUFFIX))),
          ),
        () => undefined,
      );
      byFolder.set(folder, names);
    }
    const leftovers = await names;
    return leftovers === undefined || leftovers.has(basename(target));
  };
}

function parseRecord(text: string | undefined): PartialRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as PartialRecord;
    return record.version === 1 &&
      Array.isArray(record.done) &&
      record.done.every((i) => Number.isInteger(i) && i >= 0)
      ? record
      : undefined;
  } catch {
    return undefined; // torn or foreign: start over
  }
}

/** SHA-256 (base64) of `length` bytes at `start`, read through the handle (not the path). */
async function hashRange(fh: FileHandle, start: number, length: number): Promise<string> {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(Math.min(length, 1024 * 1024));
  let offset = 0;
  while (offset < length) {
    const { bytesRead } = await fh.read(
      buffer,
      0,
      Math.min(buffer.length, length - offset),
      start + offset,
    );
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    offset += bytesRead;
  }
  return hash.digest("base64");
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY).catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close();
}
