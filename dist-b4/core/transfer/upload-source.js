import { statSync } from "node:fs";
import { StrongboxError } from "../errors.js";
import { FileChangedError } from "./checksum.js";
import { interrupted } from "./s3-call.js";
/**
 * The file being uploaded, watched: it must stay what it was when the upload
 * began. When it changes or vanishes, a SourceChangedError says so plainly and
 * the upload leaves nothing on S3 to resume.
 */
export class SourceChangedError extends StrongboxError {
    constructor(path, how) {
        super("failed", how === "changed"
            ? `The file ${path} changed during the upload; nothing was stored.`
            : `The file ${path} vanished during the upload.`, how === "changed" ? { hint: "Upload it again once it is no longer being written." } : {});
    }
}
/*
 * The stats here are synchronous: a stat takes a few microseconds, while an
 * asynchronous one hands off to libuv's thread pool and back (about four
 * times the cost on the main thread), and a folder of small files makes
 * several per file.
 */
/** The file to upload: a regular file, or a clear error. */
export async function statFile(path) {
    try {
        const info = statSync(path);
        if (!info.isFile())
            throw new StrongboxError("usage", `${path} is not a regular file.`);
        return info;
    }
    catch (error) {
        if (error instanceof StrongboxError)
            throw error;
        if (error.code === "ENOENT") {
            throw new StrongboxError("not-found", `No such file: ${path}`);
        }
        throw error;
    }
}
/** The file must still be what it was when the upload began. */
export async function assertUnchanged(identity) {
    let info;
    try {
        info = statSync(identity.path);
    }
    catch (error) {
        if (error.code === "ENOENT") {
            throw new SourceChangedError(identity.path, "vanished");
        }
        throw error;
    }
    if (info.size !== identity.size || info.mtimeMs !== identity.mtimeMs) {
        throw new SourceChangedError(identity.path, "changed");
    }
}
/** Reading the file failed because it changed or vanished: say so plainly. */
export async function guardFile(path, work) {
    try {
        return await work();
    }
    catch (error) {
        if (error instanceof FileChangedError)
            throw new SourceChangedError(path, "changed");
        const code = error.code;
        if (code === "ENOENT")
            throw new SourceChangedError(path, "vanished");
        if (code === "ABORT_ERR")
            throw interrupted(error);
        const cause = error.cause;
        if (cause instanceof FileChangedError)
            throw new SourceChangedError(path, "changed");
        throw error;
    }
}
