import http from "node:http";
import https from "node:https";
import { pipeline } from "node:stream";
import { finished } from "node:stream/promises";
/** Error from the transport when no response arrived; `kind` feeds the retry policy. */
export class TransportError extends Error {
    kind;
    constructor(kind, message, cause) {
        super(message, cause === undefined ? undefined : { cause });
        this.name = "TransportError";
        this.kind = kind;
    }
}
/** Bodies larger than this are cut off (connection dropped) rather than drained by `discard`. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;
/**
 * `text()` reads at most this much: S3's XML answers are far smaller (a full
 * ListParts page is ~300 KiB), so an endless or huge body can't exhaust memory.
 */
export const TEXT_LIMIT_BYTES = 4 * 1024 * 1024;
/** The server's answer was too large to be an S3 answer; never retried. */
export class ResponseTooLargeError extends Error {
    constructor(limit) {
        super(`The server's answer is larger than ${limit / (1024 * 1024)} MiB, more than any S3 answer; it was refused.`);
        this.name = "ResponseTooLargeError";
    }
}
/**
 * The real transport: node:http(s) with a keep-alive pool per protocol.
 *
 * Not undici: undici 7 crashes the process with an uncatchable assertion when
 * a server closes a connection whose response is waiting for a slow reader
 * (nodejs/undici#5360, fixed only in undici 8, which needs Node 22). Node's
 * own client buffers the rest of such a response and ends it normally.
 */
export function createHttpTransport(options = {}) {
    const agentOptions = {
        keepAlive: true,
        maxSockets: options.connections ?? 16,
        // Idle pooled sockets are closed after this long, as S3 would close them anyway.
        timeout: 30_000,
        scheduling: "lifo",
    };
    const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
    const timeouts = {
        connectMs: options.connectTimeoutMs ?? 15_000,
        idleMs: options.idleTimeoutMs ?? 120_000,
    };
    return {
        send: (req) => send(req, agents, timeouts),
        async close() {
            agents.http.destroy();
            agents.https.destroy();
        },
    };
}
function send(req, agents, timeouts) {
    return new Promise((resolve, reject) => {
        if (req.signal?.aborted) {
            reject(new TransportError("aborted", "The transfer was interrupted.", req.signal.reason));
            return;
        }
        let url;
        try {
            url = new URL(req.url);
        }
        catch (error) {
            reject(new TransportError("network", "The request URL is not valid.", error));
            return;
        }
        const secure = url.protocol === "https:";
        if (!secure && url.protocol !== "http:") {
            reject(new TransportError("network", `Unsupported protocol ${url.protocol}`));
            return;
        }
        // An error from the request body (the file being read) is the caller's to
        // interpret (vanished, changed), not a network failure.
        let bodyError;
        // Why the transport itself cut the exchange (a timeout), once the response
        // has begun: the body then only sees the socket's "aborted".
        let cutShort;
        const request = (secure ? https : http).request(url, {
            method: req.method,
            headers: req.headers,
            agent: secure ? agents.https : agents.http,
            timeout: timeouts.idleMs,
        });
        if (req.signal)
            cancelOnAbort(req.signal, request);
        request.on("timeout", () => {
            const seconds = Math.round(timeouts.idleMs / 1000);
            cutShort = new TransportError("timeout", `The server sent nothing for ${seconds} s (timed out).`);
            request.destroy(cutShort);
        });
        request.on("socket", (socket) => limitConnectTime(request, socket, timeouts.connectMs));
        request.on("error", (error) => reject(bodyError ?? classify(error, req.signal)));
        request.on("response", (res) => resolve(wrapResponse(res, () => cutShort, req.signal)));
        const body = req.body;
        if (body === undefined)
            request.end();
        else if (typeof body === "string" || body instanceof Uint8Array)
            request.end(body);
        else if (typeof body === "function") {
            body(request).then(() => request.end(), (error) => {
                // A write the request refused: the request reports its own error.
                if (request.destroyed)
                    return;
                bodyError ??= error;
                request.destroy(error);
            });
        }
        else {
            body.once("error", (error) => {
                bodyError ??= error;
            });
            // pipeline destroys the request when the body fails (and vice versa);
            // both outcomes reach the caller through the request's "error" above.
            pipeline(body, request, () => { });
        }
    });
}
/**
 * One "abort" listener per signal, however many requests share it (a transfer
 * runs many at once on one signal; a listener each would pile up past Node's
 * warning threshold).
 */
const requestsBySignal = new WeakMap();
function cancelOnAbort(signal, request) {
    let requests = requestsBySignal.get(signal);
    if (requests === undefined) {
        const live = new Set();
        requests = live;
        requestsBySignal.set(signal, live);
        signal.addEventListener("abort", () => {
            for (const r of live)
                r.destroy(new TransportError("aborted", "The transfer was interrupted.", signal.reason));
            live.clear();
        }, { once: true });
    }
    requests.add(request);
    request.once("close", () => requests.delete(request));
}
function limitConnectTime(request, socket, connectMs) {
    if (!socket.connecting)
        return;
    const timer = setTimeout(() => {
        request.destroy(new TransportError("timeout", `Could not connect within ${Math.round(connectMs / 1000)} s.`));
    }, connectMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    socket.once("connect", clear);
    socket.once("close", clear);
}
function wrapResponse(res, cutShort, signal) {
    // Errors surface through iteration; this keeps an unread response that fails
    // from becoming an unhandled "error" event.
    res.on("error", () => { });
    const headers = {};
    for (const [name, value] of Object.entries(res.headers)) {
        if (value === undefined)
            continue;
        headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    async function* body() {
        try {
            for await (const chunk of res)
                yield chunk;
        }
        catch (error) {
            throw cutShort() ?? classify(error, signal);
        }
    }
    return {
        status: res.statusCode ?? 0,
        headers,
        body: body(),
        async text() {
            if (Number(headers["content-length"] ?? 0) > TEXT_LIMIT_BYTES) {
                res.destroy();
                throw new ResponseTooLargeError(TEXT_LIMIT_BYTES);
            }
            const chunks = [];
            let total = 0;
            for await (const chunk of body()) {
                total += chunk.byteLength;
                if (total > TEXT_LIMIT_BYTES) {
                    res.destroy();
                    throw new ResponseTooLargeError(TEXT_LIMIT_BYTES);
                }
                chunks.push(Buffer.from(chunk));
            }
            return Buffer.concat(chunks).toString("utf8");
        },
        async discard() {
            if (Number(headers["content-length"] ?? 0) > DRAIN_LIMIT_BYTES) {
                res.destroy();
                return;
            }
            // Even an empty, complete body must be read to its end: only then does
            // the socket go back to the pool (else the next request waits for it).
            res.resume();
            await finished(res).catch(() => undefined);
        },
    };
}
/** Maps socket / HTTP errors to a TransportError, never echoing the (signed) URL. */
export function classify(error, signal) {
    if (error instanceof TransportError)
        return error;
    if (signal?.aborted)
        return new TransportError("aborted", "The transfer was interrupted.", error);
    const code = error?.code ?? "";
    const name = error?.name ?? "";
    if (name === "AbortError" || code === "ABORT_ERR")
        return new TransportError("aborted", "The transfer was interrupted.", error);
    if (/TIMEOUT|ETIMEDOUT/.test(code)) {
        return new TransportError("timeout", `The server did not answer in time (${code}).`, error);
    }
    if (code === "ECONNRESET" && error.message === "aborted") {
        return new TransportError("network", "The connection closed before the body ended.", error);
    }
    if (code !== "")
        return new TransportError("network", `Network error (${code}).`, error);
    return error instanceof Error ? error : new Error(String(error));
}
