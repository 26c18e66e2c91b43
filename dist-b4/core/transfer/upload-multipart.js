import { isAlreadyExists } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
import { compositeChecksum, sha256OfRange, toBase64 } from "./checksum.js";
import { fileBodyFactory } from "./file-body.js";
import { runAll } from "./limiter.js";
import { reloginThenResume } from "./relogin-hint.js";
import { reconcileParts } from "./resume.js";
import { S3RequestError } from "./s3-call.js";
import { abortQuietly, completeMultipart, createMultipart, listPartsIfAny, uploadPart, } from "./s3-transfer.js";
import { assertUnchanged, guardFile, SourceChangedError } from "./upload-source.js";
/**
 * A multipart upload: parts in flight under `requests`, each sent with its
 * SHA-256; the resume record saved as parts land; Complete with the composite
 * checksum. A failure keeps the parts for --resume, except when there is
 * nothing to come back to (the file changed, the key may not be replaced).
 */
export async function uploadMultipart(ctx, deps, identity, planned, partSize, opts) {
    const { path, key } = identity;
    const store = deps.stateStore;
    const done = new Map();
    let record = opts.existing
        ? await resumeFrom(ctx, deps, identity, planned, opts.existing, done)
        : undefined;
    if (record === undefined) {
        const uploadId = await createMultipart(ctx, key);
        record = {
            version: 1,
            ...identity,
            uploadId,
            partSize,
            parts: [],
            createdAt: new Date(ctx.clock.now()).toISOString(),
        };
        await store.save(record);
    }
    const started = record;
    const uploadId = started.uploadId;
    const resumed = [...done.values()].reduce((sum, p) => sum + p.size, 0);
    if (resumed > 0)
        opts.onBytes(resumed);
    // Saves are chained so the record on disk only ever grows, one whole JSON at a time.
    let saving = Promise.resolve();
    const saveRecord = () => {
        const snapshot = {
            ...started,
            parts: [...done.values()].sort((a, b) => a.number - b.number),
        };
        saving = saving.then(() => store.save(snapshot));
        return saving;
    };
    // Our own controller: the first failed part stops the others.
    const local = new AbortController();
    const onUserAbort = () => local.abort(deps.signal?.reason);
    deps.signal?.addEventListener("abort", onUserAbort, { once: true });
    const partCtx = { ...ctx, signal: local.signal };
    try {
        const todo = planned.filter((p) => !done.has(p.number));
        await runAll(todo.map((part) => () => opts.requests.run(async () => {
            await assertUnchanged(identity);
            const recorded = await sendPart(partCtx, identity, uploadId, part, opts.onBytes);
            done.set(part.number, recorded);
            await saveRecord();
        })), () => local.abort());
        await saving;
        await assertUnchanged(identity);
        const parts = planned.map((p) => done.get(p.number));
        const digests = parts.map((p) => Buffer.from(p.checksumSha256, "base64"));
        const checksum = `${toBase64(compositeChecksum("sha256", digests))}-${parts.length}`;
        const completed = await completeMultipart(ctx, key, uploadId, parts, { checksum, size: identity.size, createOnly: opts.createOnly }, (message) => deps.onEvent?.({ type: "note", message }));
        if (completed.checksum !== undefined && completed.checksum !== checksum) {
            throw new StrongboxError("failed", `S3 reports a different checksum for "${key}" than the parts sent.`);
        }
        await store.remove(identity);
        return {
            path,
            key,
            versionId: completed.versionId,
            size: identity.size,
            checksum,
            checksumType: "COMPOSITE",
            parts: parts.length,
        };
    }
    catch (error) {
        await saving.catch(() => { });
        throw await failed(ctx, deps, identity, uploadId, error);
    }
    finally {
        deps.signal?.removeEventListener("abort", onUserAbort);
    }
}
/**
 * Continue from an earlier run's record: S3's ListParts decides which parts
 * are there (resume.ts); a part the record can't vouch for is hashed again.
 * Undefined when S3 no longer knows the upload (then it starts over).
 */
async function resumeFrom(ctx, deps, identity, planned, existing, done) {
    const { path, key } = identity;
    const store = deps.stateStore;
    const server = await listPartsIfAny(ctx, key, existing.uploadId);
    if (server === undefined) {
        await store.remove(identity);
        deps.onEvent?.({
            type: "note",
            message: `The earlier upload of "${key}" is gone from S3; starting over.`,
        });
        return undefined;
    }
    const plan = reconcileParts(planned, server, existing.parts);
    for (const part of plan.done)
        done.set(part.number, part);
    for (const part of plan.verify) {
        const local = planned[part.number - 1];
        if (!local)
            continue;
        const digest = toBase64(await guardFile(path, () => sha256OfRange(path, local.start, local.size)));
        if (digest === part.checksumSha256) {
            done.set(part.number, {
                number: part.number,
                size: part.size,
                etag: part.etag,
                checksumSha256: digest,
            });
        }
    }
    const record = { ...existing, parts: [...done.values()] };
    await store.save(record);
    deps.onEvent?.({
        type: "note",
        message: `Resuming "${key}": ${done.size} of ${planned.length} parts are already on S3.`,
    });
    return record;
}
/** The error a failed multipart upload ends with, after freeing what can't be resumed. */
async function failed(ctx, deps, identity, uploadId, error) {
    const userInterrupted = deps.signal?.aborted === true;
    const fileChanged = error instanceof SourceChangedError;
    // The key exists and this role may not replace it: a resume would meet the same refusal.
    const refused = isAlreadyExists(error);
    if (fileChanged || refused) {
        // Nothing to come back to: free the parts S3 is holding (and billing).
        await abortQuietly(ctx, identity.key, uploadId);
        await deps.stateStore.remove(identity);
    }
    if (userInterrupted) {
        // Ctrl-C keeps the parts and the state, --resume or not: the work is not thrown away.
        return new StrongboxError("interrupted", "The upload was interrupted; its state is kept.", {
            hint: "run the same command with --resume to continue (without it, the upload starts over)",
        });
    }
    const relogin = reloginThenResume(error);
    if (relogin)
        return relogin;
    // S3 still failing (5xx, SlowDown) after the retry budget: the parts it has are
    // kept, so "retry later" means "with --resume".
    const transient = error instanceof S3RequestError &&
        (error.status >= 500 || error.code === "SlowDown" || error.code === "RequestTimeout");
    if (error instanceof StrongboxError &&
        error.kind !== "usage" &&
        !fileChanged &&
        (error.hint === undefined || transient)) {
        return new StrongboxError(error.kind, error.message, {
            hint: "Run the same command with --resume to continue where it stopped.",
            cause: error,
        });
    }
    return error;
}
/** One part: its SHA-256 first (so S3 can check what it receives), then the bytes. */
async function sendPart(ctx, identity, uploadId, part, onBytes) {
    const { path, key } = identity;
    const checksum = toBase64(await guardFile(path, () => sha256OfRange(path, part.start, part.size, ctx.signal)));
    const etag = await guardFile(path, () => uploadPart(ctx, key, uploadId, {
        number: part.number,
        size: part.size,
        checksum,
        body: fileBodyFactory(path, part.start, part.size, onBytes),
    }));
    return { number: part.number, size: part.size, etag, checksumSha256: checksum };
}
