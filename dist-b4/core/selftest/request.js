import { createCloudWatchClient } from "../alarms.js";
import { createS3Client } from "../clients.js";
import { createPresigner } from "../presign.js";
import { S3RequestError, s3Call } from "../transfer/s3-call.js";
const ACTIONS = { GET: "GetObject", PUT: "PutObject" };
/**
 * One request through a pre-signed URL, on the transfers' own request path
 * (signed just before it is sent, retried by the same policy on a dropped
 * connection or a 5xx). A refusal throws the same S3RequestError a transfer
 * would (`refusedBy` recognises it).
 */
export async function presigned(env, session, method, key, options = {}) {
    const signer = createPresigner({
        config: env.config,
        credentials: session.credentials,
        now: () => env.clock.now(),
    });
    const ctx = {
        presigner: options.plainHttp ? overPlainHttp(signer) : signer,
        role: session.role,
        bucket: env.config.bucket,
        transport: env.http,
        clock: env.clock,
        urlLifetimeSeconds: 300,
        ...(env.signal === undefined ? {} : { signal: env.signal }),
    };
    const body = options.body;
    const headers = {
        ...options.headers,
        ...(body === undefined ? {} : { "content-length": String(body.length) }),
    };
    return s3Call(ctx, {
        op: { action: ACTIONS[method], key, doing: `${method} the selftest object` },
        method,
        key,
        ...(Object.keys(headers).length === 0 ? {} : { headers }),
        ...(body === undefined ? {} : { body: () => body }),
    }, async (res) => {
        const chunks = [];
        for await (const chunk of res.body)
            chunks.push(Buffer.from(chunk));
        return { status: res.status, headers: res.headers, body: Buffer.concat(chunks) };
    });
}
function overPlainHttp(signer) {
    return {
        async sign(req) {
            const signed = await signer.sign(req);
            return { ...signed, url: signed.url.replace(/^https:/, "http:") };
        },
    };
}
/** A refused request: a pre-signed one S3 answered 403, or an SDK call denied. */
export function refusedBy(err) {
    if (err instanceof S3RequestError)
        return err.status === 403;
    const e = err;
    return e?.$metadata?.httpStatusCode === 403 || /AccessDenied|Forbidden/.test(e?.name ?? "");
}
const s3Clients = new WeakMap();
/** The session's SDK client for the requests that are not pre-signed (one per session and run). */
export function s3For(env, session) {
    let clients = s3Clients.get(env);
    if (clients === undefined) {
        clients = new Map();
        s3Clients.set(env, clients);
    }
    let client = clients.get(session);
    if (client === undefined) {
        client = env.s3Client?.(session) ?? createS3Client(env.config, session.credentials);
        clients.set(session, client);
    }
    return client;
}
export function cloudWatchFor(env, session) {
    return createCloudWatchClient(env.config, session.credentials);
}
