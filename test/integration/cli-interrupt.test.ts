import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliBin } from "./cli-helpers.js";

/**
 * Ctrl-C while a request hangs: the binary aborts the call and exits 130.
 * The "endpoint" is a TCP server that accepts and never answers.
 */
describe("strongbox and SIGINT", () => {
  let server: Server;
  const sockets: Socket[] = [];
  let configPath: string;

  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), "sb-sigint-"));
    configPath = join(dir, "config.json");
    const arn = (r: string) => `arn:aws:iam::123456789012:role/sb-${r}`;
    await writeFile(
      configPath,
      JSON.stringify({
        version: 1,
        region: "us-east-1",
        bucket: "sb-data",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
        roles: { uploader: arn("uploader"), viewer: arn("viewer"), admin: arn("admin") },
        adminMfaRequired: false,
        maxSessionSeconds: 3600,
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
      }),
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((done) => server.close(done));
  });

  function runUntilConnected(args: string[], signals: number) {
    return cliBin().then(
      (bin) =>
        new Promise<{ code: number | null; stderr: string; ms: number }>((done) => {
          const child = spawn(process.execPath, [bin, ...args, "--config", configPath], {
            env: {
              ...process.env,
              AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
              AWS_SECRET_ACCESS_KEY: "x".repeat(40),
              AWS_REGION: "us-east-1",
            },
            stdio: ["ignore", "pipe", "pipe"],
          });
          let stderr = "";
          child.stderr.on("data", (c) => {
            stderr += String(c);
          });
          const connectedBefore = sockets.length;
          let started = 0;
          const poll = setInterval(() => {
            if (sockets.length > connectedBefore) {
              clearInterval(poll);
              started = Date.now();
              for (let i = 0; i < signals; i++) setTimeout(() => child.kill("SIGINT"), 50 + i * 50);
            }
          }, 20);
          // A binary that ignores SIGINT must fail this test, not hang it.
          const deadline = setTimeout(() => child.kill("SIGKILL"), 30_000);
          child.on("exit", (code) => {
            clearInterval(poll);
            clearTimeout(deadline);
            done({ code, stderr, ms: Date.now() - started });
          });
        }),
    );
  }

  it("login hanging on STS: one Ctrl-C aborts the request and exits 130", async () => {
    const r = await runUntilConnected(["login", "--role", "viewer"], 1);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupting/);
    expect(r.stderr).toMatch(/strongbox: .*interrupted/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a second Ctrl-C exits 130 at once", async () => {
    const r = await runUntilConnected(["login", "--role", "viewer"], 2);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(5000);
  });
});
