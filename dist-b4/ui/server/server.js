import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { redact } from "../../core/aws-errors.js";
import { describeIssues } from "../../core/config.js";
import { StrongboxError } from "../../core/errors.js";
import { createPresigner } from "../../core/presign.js";
import { createHttpTransport } from "../../core/transfer/transport.js";
import { apiRoutes } from "./api.js";
import { checkRequest, newToken, originOf, securityHeaders } from "./guard.js";
const MAX_BODY_BYTES = 1024 * 1024;
const STATUS_OF = {
    usage: 400,
    "access-denied": 403,
    "not-found": 404,
    credentials: 401,
    failed: 502,
    interrupted: 499,
};
const TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".ico": "image/x-icon",
};
/** Where the browser will send bytes: the origin of a URL the presigner builds (no network). */
export async function bucketOriginOf(ctx) {
    const presigner = createPresigner({
        config: ctx.config,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "unused" },
    });
    const { url } = await presigner.sign({ method: "GET", key: "k", expiresInSeconds: 60 });
    return new URL(url).origin;
}
export async function startUiServer(opts) {
    const token = opts.token ?? newToken();
    const bucketOrigin = await bucketOriginOf(opts.ctx);
    const transport = opts.transport ?? createHttpTransport({ connections: 16 });
    let port = opts.port;
    const routes = opts.routes ??
        apiRoutes(opts.ctx, transport, {
            urlLifetimeSeconds: opts.urlLifetimeSeconds ?? 900,
            bucketOrigin,
        });
    const headers = securityHeaders(bucketOrigin);
    let resolveStopped = () => { };
    const stopped = new Promise((r) => {
        resolveStopped = r;
    });
    const inFlight = new Set();
    const server = createServer((req, res) => {
        touch();
        for (const [name, value] of Object.entries(headers))
            res.setHeader(name, value);
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const verdict = checkRequest({ method: req.method ?? "GET", path: url.pathname, headers: req.headers }, { port, token });
        if (!verdict.ok) {
            opts.ctx.log(`refused ${req.method} ${url.pathname}: ${verdict.reason}`);
            sendJson(res, verdict.status, { error: { kind: "refused", message: verdict.reason } });
            return;
        }
        if (url.pathname.startsWith("/api/")) {
            const routeOf = routes.get(`${req.method === "HEAD" ? "GET" : req.method} ${url.pathname}`);
            if (routeOf === undefined) {
                sendJson(res, 404, { error: { kind: "not-found", message: "no such API" } });
                return;
            }
            void handleApi(routeOf, req, res, url);
            return;
        }
        void serveStatic(res, url.pathname);
    });
    async function handleApi(r, req, res, url) {
        const controller = new AbortController();
        inFlight.add(controller);
        res.on("close", () => {
            if (!res.writableFinished)
                controller.abort();
        });
        try {
            const raw = r.method === "GET" ? Object.fromEntries(url.searchParams) : await readJson(req);
            const parsed = r.input.safeParse(raw);
            if (!parsed.success) {
                throw new StrongboxError("usage", `bad request: ${describeIssues(parsed.error)}`);
            }
            const result = await r.run(parsed.data, controller.signal);
            sendJson(res, 200, result ?? {});
        }
        catch (err) {
            const error = err instanceof StrongboxError
                ? err
                : new StrongboxError("failed", `unexpected error: ${err?.message ?? err}`);
            const message = redact(error.message);
            opts.ctx.log(`${url.pathname}: ${message}`);
            sendJson(res, STATUS_OF[error.kind] ?? 500, {
                error: {
                    kind: error.kind,
                    message,
                    ...(error.hint === undefined ? {} : { hint: redact(error.hint) }),
                },
            });
        }
        finally {
            inFlight.delete(controller);
        }
    }
    async function serveStatic(res, path) {
        const name = path === "/" ? "index.html" : path.slice(1);
        if (!/^(assets\/)?[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(name) || name.includes("..")) {
            sendJson(res, 404, { error: { kind: "not-found", message: "not found" } });
            return;
        }
        try {
            const body = await readFile(join(opts.pageDir, name));
            res.writeHead(200, { "content-type": TYPES[extname(name)] ?? "application/octet-stream" });
            res.end(body);
        }
        catch {
            sendJson(res, 404, { error: { kind: "not-found", message: "not found" } });
        }
    }
    let idle;
    function touch() {
        if (idle !== undefined)
            clearTimeout(idle);
        idle = setTimeout(() => {
            void close(`stopped after ${Math.round(opts.idleMs / 60000)} min without a request`);
        }, opts.idleMs);
        idle.unref();
    }
    let closing;
    function close(reason = "stopped") {
        closing ??= (async () => {
            if (idle !== undefined)
                clearTimeout(idle);
            for (const c of inFlight)
                c.abort();
            server.closeAllConnections();
            await new Promise((r) => server.close(() => r()));
            if (opts.transport === undefined)
                await transport.close?.();
            resolveStopped(reason);
        })();
        return closing;
    }
    await new Promise((resolve, reject) => {
        server.once("error", (err) => {
            reject(err.code === "EADDRINUSE"
                ? new StrongboxError("usage", `port ${opts.port} on 127.0.0.1 is already in use`, {
                    hint: "stop what is using it (another `strongbox ui`?); the bucket's CORS rule allows only that port",
                })
                : err);
        });
        server.listen({ host: "127.0.0.1", port: opts.port }, () => resolve());
    });
    const bound = server.address();
    port = bound.port;
    touch();
    const origin = originOf(port);
    return {
        host: bound.address,
        port,
        origin,
        token,
        url: `${origin}/#token=${token}`,
        bucketOrigin,
        stopped,
        close,
    };
}
function sendJson(res, status, body) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(text);
}
async function readJson(req) {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES)
            throw new StrongboxError("usage", "request body too large");
        chunks.push(chunk);
    }
    try {
        return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    }
    catch {
        throw new StrongboxError("usage", "request body is not JSON");
    }
}
