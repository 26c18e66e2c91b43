import { statSync } from "node:fs";
import { StrongboxError } from "../errors.js";
import { FileChangedError } from "./checksum.js";
import { interrupted } from "./s3-call.js";
import type { ResumeIdentity } from "./state-store.js";

/**
 * The file being uploaded, watched: it must stay what it was when the upload
 * began. When it changes or vanishes, a SourceChangedError says so plainly and
 * the upload leaves nothing on S3 to resume.
 */
export class SourceChangedError extends StrongboxError {
  constructor(path: string, how: "changed" | "vanished") {
    super(
      "failed",
      how === "changed"
        ? `The file ${path} changed during the upload; nothing was stored.`
        : `The file ${path} vanished during the upload.`,
      how === "changed" ? { hint: "Upload it again once it is no longer being written." } : {},
    );
  }
}

// The stats here are synchronous (bench/README.md, "Thread-pool hand-offs").

/** The file to upload: a regular file, or a clear error. */
export async function statFile(path: string) {
  try {
    const info = statSync(path);
    if (!info.isFile()) throw new StrongboxError("usage", `${path} is not a regular file.`);
    return info;
  } catch (error) {
    if (error instanceof StrongboxError) throw error;
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new StrongboxError("not-found", `No such file: ${path}`);
    }
    throw error;
  }
}

/** The file must still be what it was when the upload began. */
export async function assertUnchanged(identity: ResumeIdentity): Promise<void> {
  let info: ReturnType<typeof statSync>;
  try {
    info = statSync(identity.path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new SourceChangedError(identity.path, "vanished");
    }
    throw error;
  }
  if (info.size !== identity.size || info.mtimeMs !== identity.mtimeMs) {
    throw new SourceChangedError(identity.path, "changed");
  }
}

/** Reading the file failed because it changed or vanished: say so plainly. */
export async function guardFile<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof FileChangedError) throw new SourceChangedError(path, "changed");
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SourceChangedError(path, "vanished");
    if (code === "ABORT_ERR") throw interrupted(error);
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof FileChangedError) throw new SourceChangedError(path, "changed");
    throw error;
  }
}
