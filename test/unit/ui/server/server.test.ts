import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../../src/core/config.js";
import * as z from "../../../../src/core/schema.js";
import type { Route } from "../../../../src/ui/server/api.js";
import { createUiContext, loggingPresigner } from "../../../../src/ui/server/context.js";
import { newToken, TOKEN_HEADER } from "../../../../src/ui/server/guard.js";
import { startUiServer, type UiServer } from "../../../../src/ui/server/server.js";
import { SECRET, T0, testSession, writeTestConfig } from "../../cli/cli-fixtures.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so Host and Origin can be anything (fetch would not allow it). */
function send(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        method: opts.method ?? "GET",
        path: opts.path ?? "/",
        headers: opts.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** The server's context as `strongbox ui` builds it, for a config written into a test folder. */
async function contextFor(
  configPath: string,
  opts: { now?: () => number; log?: (line: string) => void } = {},
) {
  return createUiContext({
    config: await loadConfig(configPath),
    configPath,
    sessionsDir: join(dirname(configPath), "sessions"),
    profile: undefined,
    ...(opts.now === undefined ? {} : { now: opts.now }),
    log: opts.log ?? (() => {}),
  });
}

let dir: string;
let server: UiServer;
const calls: string[] = [];
const log: string[] = [];

const echo: Route = {
  method: "POST",
  input: z.object({ n: z.number() }),
  run: (async (input: { n: number }) => {
    calls.push(`echo ${input.n}`);
    return { n: input.n };
  }) as Route["run"],
};
const peek: Route = {
  method: "GET",
  input: z.object({}),
  run: (async () => {
    calls.push("peek");
    return { ok: true };
  }) as Route["run"],
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sb-ui-"));
  await mkdir(join(dir, "page"));
  await writeFile(join(dir, "page", "index.html"), "<!doctype html><title>page</title>");
  const configPath = await writeTestConfig(dir, "http://127.0.0.1:9000");
  const ctx = await contextFor(configPath, { log: (l) => log.push(l) });
  server = await startUiServer({
    ctx,
    port: 0,
    pageDir: join(dir, "page"),
    idleMs: 60_000,
    routes: new Map([
      ["POST /api/echo", echo],
      ["GET /api/peek", peek],
    ]),
  });
  calls.length = 0;
  log.length = 0;
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const good = () => ({
  host: `127.0.0.1:${server.port}`,
  origin: server.origin,
  [TOKEN_HEADER]: server.token,
  "content-type": "application/json",
});

describe("strongbox ui server: safe by default", () => {
  it("binds to 127.0.0.1 only and hands the token over in the fragment", () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, "base64url")).toHaveLength(32);
    expect(newToken()).not.toBe(newToken());
  });

  it("accepts only Host 127.0.0.1:<port> (DNS rebinding)", async () => {
    for (const host of [
      "evil.example:80",
      `localhost:${server.port}`,
      `127.0.0.1.nip.io:${server.port}`,
      "127.0.0.1",
    ]) {
      const answer = await send(server.port, { headers: { ...good(), host }, path: "/api/peek" });
      expect(answer.status, host).toBe(421);
      const page = await send(server.port, { headers: { host } });
      expect(page.status, host).toBe(421);
    }
    expect(calls).toEqual([]);
    expect((await send(server.port, { headers: good(), path: "/api/peek" })).status).toBe(200);
    expect((await send(server.port, { headers: { host: good().host } })).status).toBe(200);
  });

  it("needs the launch token in its header on every API call", async () => {
    const { [TOKEN_HEADER]: _token, ...noToken } = good();
    expect((await send(server.port, { path: "/api/peek", headers: noToken })).status).toBe(401);
    const wrong = { ...good(), [TOKEN_HEADER]: newToken() };
    expect((await send(server.port, { path: "/api/peek", headers: wrong })).status).toBe(401);
    const asCookie = { ...noToken, cookie: `token=${server.token}` };
    expect((await send(server.port, { path: "/api/peek", headers: asCookie })).status).toBe(401);
    expect(calls).toEqual([]);
  });

  it("state-changing calls need the exact Origin and a JSON body", async () => {
    const post = (headers: Record<string, string>) =>
      send(server.port, { method: "POST", path: "/api/echo", headers, body: '{"n":1}' });
    const { origin: _origin, ...noOrigin } = good();
    expect((await post(noOrigin)).status).toBe(403);
    expect((await post({ ...good(), origin: "http://evil.example" })).status).toBe(403);
    expect((await post({ ...good(), origin: `http://localhost:${server.port}` })).status).toBe(403);
    expect((await post({ ...good(), "content-type": "text/plain" })).status).toBe(415);
    expect(
      (await post({ ...good(), "content-type": "application/x-www-form-urlencoded" })).status,
    ).toBe(415);
    expect(calls).toEqual([]);
    const ok = await post(good());
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ n: 1 });
  });

  it("a foreign Origin is refused even on a read", async () => {
    const answer = await send(server.port, {
      path: "/api/peek",
      headers: { ...good(), origin: "http://evil.example" },
    });
    expect(answer.status).toBe(403);
  });

  it("never answers with Access-Control-Allow-* or a cookie, preflight included", async () => {
    const answers = [
      await send(server.port, { path: "/api/peek", headers: good() }),
      await send(server.port, {
        method: "OPTIONS",
        path: "/api/echo",
        headers: {
          ...good(),
          "access-control-request-method": "POST",
          "access-control-request-headers": TOKEN_HEADER,
        },
      }),
      await send(server.port, { headers: { host: good().host } }),
      await send(server.port, { path: "/api/peek", headers: { host: "evil:1" } }),
    ];
    for (const a of answers) {
      expect(Object.keys(a.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
      expect(a.headers["set-cookie"]).toBeUndefined();
    }
    expect(answers[1]?.status).toBe(405);
  });

  it("sends a strict CSP (connect-src: itself and the bucket), no referrer, no caching", async () => {
    for (const a of [
      await send(server.port, { headers: { host: good().host } }),
      await send(server.port, { path: "/api/peek", headers: good() }),
      await send(server.port, { path: "/api/peek", headers: { host: "x:1" } }),
    ]) {
      const csp = String(a.headers["content-security-policy"]);
      expect(csp).toContain("connect-src 'self' http://127.0.0.1:9000;");
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(a.headers["referrer-policy"]).toBe("no-referrer");
      expect(a.headers["cache-control"]).toBe("no-store");
    }
    expect(server.bucketOrigin).toBe("http://127.0.0.1:9000");
  });

  it("serves only the page's own files", async () => {
    const host = { host: good().host };
    for (const path of [
      "/../config.json",
      "/%2e%2e/config.json",
      "/..%2fconfig.json",
      "/sessions/admin.json",
      "/a/b.js",
    ]) {
      expect((await send(server.port, { path, headers: host })).status, path).toBe(404);
    }
    expect((await send(server.port, { method: "POST", headers: host })).status).toBe(405);
  });

  it("stops after a period without requests", async () => {
    const dirIdle = await mkdtemp(join(tmpdir(), "sb-ui-idle-"));
    const configPath = await writeTestConfig(dirIdle);
    const idle = await startUiServer({
      ctx: await contextFor(configPath),
      port: 0,
      pageDir: dirIdle,
      idleMs: 150,
      routes: new Map(),
    });
    expect(await idle.stopped).toMatch(/without a request/);
    await expect(send(idle.port, { headers: { host: `127.0.0.1:${idle.port}` } })).rejects.toThrow(
      /ECONNREFUSED/,
    );
    await rm(dirIdle, { recursive: true, force: true });
  });
});

describe("strongbox ui server: signing", () => {
  it("logs every URL it signs without its signature, credential or session token", async () => {
    const configPath = await writeTestConfig(dir, "http://127.0.0.1:9000");
    const lines: string[] = [];
    const ctx = await contextFor(configPath, { now: () => T0, log: (l) => lines.push(l) });
    const session = testSession("uploader", T0 + 3600_000);
    const signed = await loggingPresigner(ctx, session).sign({
      method: "PUT",
      key: "reports/q3.pdf",
      query: { partNumber: "2", uploadId: "UP1" },
      headers: { "x-amz-checksum-sha256": "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=" },
      expiresInSeconds: 60,
    });
    expect(signed.url).toMatch(/X-Amz-Signature=/);
    expect(lines).toHaveLength(1);
    const line = lines[0] as string;
    expect(line).toContain("PUT http://127.0.0.1:9000/sb-data/reports/q3.pdf");
    expect(line).toContain("partNumber=2");
    expect(line).not.toMatch(/Signature|Credential|Security-Token|ASIA|EXAMPLESESSION/);
    expect(line).not.toContain(SECRET);
    expect(ctx.signed[0]?.url).not.toMatch(/Signature/);
  });
});

describe("strongbox ui server: the real API", () => {
  it("/api/state offers cached sessions with their time left, and never a credential", async () => {
    const configPath = await writeTestConfig(dir, "http://127.0.0.1:9000");
    const ctx = await contextFor(configPath, { now: () => T0 });
    await ctx.cache.write(testSession("viewer", T0 + 3600_000));
    await ctx.cache.write(testSession("admin", T0 + 60_000));
    const real = await startUiServer({ ctx, port: 0, pageDir: dir, idleMs: 60_000 });
    try {
      const answer = await send(real.port, {
        path: "/api/state",
        headers: { host: `127.0.0.1:${real.port}`, [TOKEN_HEADER]: real.token },
      });
      expect(answer.status).toBe(200);
      const state = JSON.parse(answer.body);
      const byRole = Object.fromEntries(state.sessions.map((s: { role: string }) => [s.role, s]));
      expect(byRole.viewer).toMatchObject({
        usable: true,
        expiresAt: new Date(T0 + 3600_000).toISOString(),
      });
      expect(byRole.admin).toMatchObject({ usable: false });
      expect(byRole.uploader).toMatchObject({ usable: false });
      expect(answer.body).not.toContain(SECRET);
      expect(answer.body).not.toMatch(/ASIA|SESSIONTOKEN/);
    } finally {
      await real.close();
    }
  });
});
