import { closeSync, constants, lstatSync, openSync, type Stats, writeSync } from "node:fs";
import { type FileHandle, lstat, open } from "node:fs/promises";
import { StrongboxError } from "../errors.js";

/**
 * Owner-only files that strongbox creates and later trusts (download partials,
 * resume records, session credentials): created exclusively, never reached
 * through a symlink, refused when they belong to someone else.
 */

export interface OwnerOptions {
  /** The uid files must belong to; defaults to this process's. Unset on Windows (no POSIX owners). */
  uid?: number | undefined;
  /**
   * A file of ours with group/other bits: made 0600 ("tighten", the default:
   * data we re-verify anyway) or refused with the chmod to run ("refuse": credentials).
   */
  loose?: "tighten" | "refuse";
}

const processUid = (): number | undefined =>
  typeof process.getuid === "function" ? process.getuid() : undefined;
const uidOf = (options: OwnerOptions) => ("uid" in options ? options.uid : processUid());

// O_NOFOLLOW is absent on Windows, where a symlink needs privileges to create.
export const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** What is wrong with an existing path we meant to use as our own file, or undefined. */
export function foreignFileProblem(stats: Stats, options: OwnerOptions = {}): string | undefined {
  if (stats.isSymbolicLink()) return "it is a symbolic link";
  if (!stats.isFile()) return "it is not a regular file";
  const uid = uidOf(options);
  if (uid !== undefined && stats.uid !== uid)
    return `it belongs to uid ${stats.uid}, not to you (uid ${uid})`;
  if (stats.nlink > 1) return "it has other hard links";
  return undefined;
}

const refusal = (path: string, problem: string) =>
  new StrongboxError(
    "failed",
    `Refusing to use ${path}: ${problem}; strongbox never writes through or over a file it did not create.`,
    {
      hint: `Look at it, remove it if it is not yours to keep (rm ${JSON.stringify(path)}), and run the command again.`,
    },
  );

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

const looseFile = (path: string, mode: number) =>
  new StrongboxError(
    "failed",
    `Refusing to use ${path}: others may read or change it (mode ${octal(mode)}).`,
    {
      hint: `Credential files must be 0600: run \`chmod 600 ${JSON.stringify(path)}\`, or remove it and log in again.`,
    },
  );

/**
 * "missing" or "ours" for a path we are about to reuse; anything else there
 * (a symlink, a folder, another user's file) is refused, never followed or removed.
 */
export async function checkOwnFile(
  path: string,
  options: OwnerOptions = {},
): Promise<"missing" | "ours"> {
  // Synchronous (bench/README.md, "Thread-pool hand-offs").
  const stats = lstatSync(path, { throwIfNoEntry: false });
  if (stats === undefined) return "missing";
  const problem = foreignFileProblem(stats, options);
  if (problem !== undefined) throw refusal(path, problem);
  return "ours";
}

let umaskValue: number | undefined;
/**
 * This process's umask, read once: reading it means setting it and setting it
 * back (two system calls), and nothing in strongbox changes it.
 */
const processUmask = () => {
  umaskValue ??= process.umask();
  return umaskValue;
};

/** The mode a new file of this user gets (0644 under the usual umask 022). */
export const newFileMode = () => 0o666 & ~processUmask();

/** Creates `path` 0600 with O_EXCL | O_NOFOLLOW: fails if anything (even a dangling symlink) is there. */
export async function createExclusive(path: string, flags = constants.O_RDWR): Promise<FileHandle> {
  const handle = await open(path, flags | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o600);
  // open()'s mode is filtered by the umask, and a folder's default ACL can
  // replace the umask and grant group bits: 0600 is the point, so set it.
  await handle.chmod(0o600).catch(async (error) => {
    await handle.close();
    throw error;
  });
  return handle;
}

/**
 * Creates `path` holding `text`, with O_EXCL | O_NOFOLLOW (fails with EEXIST
 * if anything is there), its mode left to open() (0600 less the umask): for a
 * lock file, whose mode guards nothing (whoever may change it may as well
 * remove or replace it in its folder). Synchronous (bench/README.md, "Thread-pool hand-offs").
 */
export function createLockFileSync(path: string, text: string): void {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens an existing file of ours without following a symlink, checks what the
 * handle points at (not the path, which could change meanwhile) and makes it 0600.
 * undefined when there is no file.
 */
export async function openOwnFile(
  path: string,
  flags: number,
  options: OwnerOptions = {},
): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, flags | NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP" || code === "EMLINK") throw refusal(path, "it is a symbolic link");
    throw error;
  }
  try {
    const stats = await handle.stat();
    const problem = foreignFileProblem(stats, options);
    if (problem !== undefined) throw refusal(path, problem);
    if ((stats.mode & 0o077) !== 0 && uidOf(options) !== undefined) {
      if (options.loose === "refuse") throw looseFile(path, stats.mode);
      await handle.chmod(0o600);
    }
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The text of an existing file of ours (see openOwnFile), or undefined when there is none. */
export async function readOwnFile(
  path: string,
  options: OwnerOptions = {},
): Promise<string | undefined> {
  const handle = await openOwnFile(path, constants.O_RDONLY, options);
  if (handle === undefined) return undefined;
  try {
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}

/**
 * A folder that holds credentials must be ours and closed to others (0700).
 * false when it does not exist; a symlink, a non-folder, another user's folder
 * or one with group/other bits is refused with the command that fixes it.
 */
export async function checkPrivateDir(
  dir: string,
  what: string,
  options: OwnerOptions = {},
): Promise<boolean> {
  let stats: Stats;
  try {
    stats = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
  const refuse = (problem: string, hint: string) =>
    new StrongboxError("failed", `Refusing to use the ${what} ${dir}: ${problem}.`, { hint });
  const elsewhere = "or set STRONGBOX_STATE_DIR to a folder of your own";
  if (stats.isSymbolicLink())
    throw refuse(
      "it is a symbolic link",
      `Replace it with a real folder (mkdir -m 700), ${elsewhere}.`,
    );
  if (!stats.isDirectory()) throw refuse("it is not a folder", `Move it away, ${elsewhere}.`);
  const uid = uidOf(options);
  if (uid === undefined) return true; // Windows: per-user %LOCALAPPDATA%, ACLs instead of modes
  if (stats.uid !== uid)
    throw refuse(
      `it belongs to uid ${stats.uid}, not to you (uid ${uid})`,
      `Remove it (its sessions are not yours to use), ${elsewhere}; then log in again.`,
    );
  if ((stats.mode & 0o077) !== 0)
    throw refuse(
      `others may read or change it (mode ${octal(stats.mode)})`,
      `Credentials stay 0600 in a 0700 folder: run \`chmod 700 ${JSON.stringify(dir)}\` and \`chmod 600 ${JSON.stringify(dir)}/*.json\`, then retry.`,
    );
  return true;
}
