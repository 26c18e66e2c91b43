import { S3RequestError, s3RequestError } from "../aws-errors.js";
import { StrongboxError } from "../errors.js";
import { DEFAULT_RETRY, decideRetry, } from "./retry-policy.js";
import { parseS3Error } from "./s3-xml.js";
import { ResponseTooLargeError, TransportError, } from "./transport.js";
/** Thrown by a response handler to have the attempt retried (e.g. a body cut short). */
export class RetryableError extends Error {
    failure;
    constructor(message, failure = { kind: "network" }) {
        super(message);
        this.failure = failure;
    }
}
/**
 * Sign just in time, send, and retry by the policy. Each attempt is signed
 * afresh, so a retry after a long back-off never uses an expired URL.
 */
export async function s3Call(ctx, spec, handle) {
    const ok = spec.ok ?? ((s) => s >= 200 && s < 300);
    for (let attempt = 1;; attempt++) {
        throwIfAborted(ctx.signal);
        ctx.checkSession?.();
        const signed = await ctx.presigner.sign({
            method: spec.method,
            key: spec.key,
            ...(spec.query ? { query: spec.query } : {}),
            ...(spec.headers ? { headers: spec.headers } : {}),
            expiresInSeconds: ctx.urlLifetimeSeconds ?? 900,
        });
        let failure;
        let finalError;
        try {
            const res = await ctx.transport.send({
                method: spec.method,
                url: signed.url,
                headers: signed.headers,
                ...(spec.body ? { body: spec.body() } : {}),
                ...(ctx.signal ? { signal: ctx.signal } : {}),
            });
            if (ok(res.status))
                return await handle(res);
            // A refused HEAD has no body, but its (empty) response must still be read
            // to its end: only then does the connection go back to the pool. Without
            // that, 18 refused HEADs (new keys checked before a folder upload) held
            // every connection and the upload hung.
            const text = spec.method === "HEAD"
                ? await res.discard().then(() => "", () => "")
                : await res.text().catch(() => "");
            const { code, message } = parseS3Error(text);
            const expiredUrl = res.status === 403 && /expired/i.test(message ?? "") && code === "AccessDenied";
            failure = expiredUrl
                ? { status: 403, kind: "url-expired" }
                : { status: res.status, ...(code ? { code } : {}) };
            finalError = () => refusal(ctx, spec.op, { status: res.status, code, message, date: res.headers.date });
        }
        catch (error) {
            if (error instanceof StrongboxError)
                throw error;
            if (error instanceof ResponseTooLargeError) {
                throw new StrongboxError("failed", `Could not ${spec.op.doing} "${spec.op.key}": ${error.message}`, {
                    cause: error,
                });
            }
            if (error instanceof TransportError) {
                if (error.kind === "aborted")
                    throw interrupted(error);
                failure = { kind: error.kind };
                finalError = () => new StrongboxError("failed", `Could not ${spec.op.doing} "${spec.op.key}": ${error.message}`, { cause: error });
            }
            else if (error instanceof RetryableError) {
                failure = error.failure;
                finalError = () => new StrongboxError("failed", `Could not ${spec.op.doing} "${spec.op.key}": ${error.message}`);
            }
            else {
                throw error;
            }
        }
        const decision = decideRetry(failure, attempt, ctx.retry ?? DEFAULT_RETRY, ctx.random);
        if (!decision.retry)
            throw finalError();
        ctx.onRetry?.({ op: spec.op, attempt, delayMs: decision.delayMs, reason: decision.reason });
        try {
            await ctx.clock.sleep(decision.delayMs, ctx.signal);
        }
        catch (error) {
            throw interrupted(error);
        }
    }
}
/** S3's refusal of one request, worded with the session's role, the action and the object. */
export function refusal(ctx, op, answer) {
    return s3RequestError({
        status: answer.status,
        s3ErrorCode: answer.code,
        s3Message: answer.message,
        ...(answer.date === undefined ? {} : { serverDate: answer.date }),
        now: ctx.clock.now(),
        action: op.action,
        role: ctx.role,
        bucket: ctx.bucket,
        key: op.key,
        versionId: op.versionId,
    });
}
export function throwIfAborted(signal) {
    if (signal?.aborted)
        throw interrupted(signal.reason);
}
export function interrupted(cause) {
    return new StrongboxError("interrupted", "The transfer was interrupted.", { cause });
}
export { S3RequestError };
