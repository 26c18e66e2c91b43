import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cachedBinary, freePort } from "./local-tools.js";

/*
 * Shopify's toxiproxy (built by `scripts/bootstrap.sh toxiproxy`): a TCP proxy
 * whose faults ("toxics") are added and removed through its HTTP API while
 * connections are open. The fault-table tests put one proxy between the
 * transfer engine and the MinIO lane.
 */

export const TOXIPROXY_BINARY = cachedBinary("toxiproxy-server");

/** Toxic types of toxiproxy 2.12 and their attributes (see its README). */
export type ToxicSpec =
  | { type: "reset_peer"; attributes: { timeout: number } }
  | { type: "timeout"; attributes: { timeout: number } }
  | { type: "bandwidth"; attributes: { rate: number } }
  | { type: "latency"; attributes: { latency: number; jitter?: number } }
  | { type: "limit_data"; attributes: { bytes: number } }
  | { type: "slicer"; attributes: { average_size: number; size_variation: number; delay: number } };

/** "upstream": client → server (request bodies); "downstream": server → client (responses). */
export type Direction = "upstream" | "downstream";

export interface ToxicProxy {
  /** http://127.0.0.1:PORT: where clients connect instead of the upstream. */
  endpoint: string;
  addToxic(name: string, stream: Direction, spec: ToxicSpec): Promise<void>;
  removeToxic(name: string): Promise<void>;
  /** Removes every toxic and re-enables the proxy. */
  reset(): Promise<void>;
  /** The toxics on the link now, as the server lists them. */
  toxics(): Promise<unknown>;
  /** Disabled: the listener closes and open connections drop (clients get "connection refused"). */
  setEnabled(enabled: boolean): Promise<void>;
}

export interface Toxiproxy {
  /** A proxy on a free loopback port in front of `upstream` (host:port). */
  proxy(name: string, upstream: string): Promise<ToxicProxy>;
  stop(): Promise<void>;
}

/** Starts toxiproxy-server on a free loopback port. Fails loudly when it is not built. */
export async function startToxiproxy(): Promise<Toxiproxy> {
  if (!existsSync(TOXIPROXY_BINARY)) {
    throw new Error(
      `toxiproxy is not built (${TOXIPROXY_BINARY} missing): run \`bash scripts/bootstrap.sh toxiproxy\``,
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOn(await freePort());
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === 3) throw error;
    }
  }
}

/** Another lane's server answered on the port meant for ours (which then could not listen). */
class PortTaken extends Error {}

async function startOn(port: number): Promise<Toxiproxy> {
  const api = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    TOXIPROXY_BINARY,
    ["-host", "127.0.0.1", "-port", String(port)],
    {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, LOG_LEVEL: "error" },
    },
  );
  let log = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-4000);
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));

  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: HTTP ${res.status} ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  };

  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await call("GET", "/version");
      // Another lane's server may have taken the port between freePort() and
      // the spawn (ours then exits): its answer must not pass for ours, or that
      // lane's resets and stop would reach this test's proxies.
      await new Promise((r) => setTimeout(r, 200));
      const proxies = (await call("GET", "/proxies")) as Record<string, unknown>;
      if (child.exitCode !== null || Object.keys(proxies).length > 0) {
        child.kill("SIGKILL");
        throw new PortTaken(`port ${port} answered for another toxiproxy-server`);
      }
      break;
    } catch (error) {
      if (error instanceof PortTaken) throw error;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`toxiproxy-server did not start: ${(error as Error).message} ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  return {
    async proxy(name, upstream) {
      const listenPort = await freePort();
      const listen = `127.0.0.1:${listenPort}`;
      await call("POST", "/proxies", { name, listen, upstream, enabled: true });
      const path = `/proxies/${encodeURIComponent(name)}`;
      const setEnabled = async (enabled: boolean) => {
        await call("POST", path, { listen, upstream, enabled });
      };
      return {
        endpoint: `http://${listen}`,
        async addToxic(toxic, stream, spec) {
          await call("POST", `${path}/toxics`, {
            name: toxic,
            type: spec.type,
            stream,
            toxicity: 1,
            attributes: spec.attributes,
          });
        },
        toxics: () => call("GET", `${path}/toxics`),
        async removeToxic(toxic) {
          await call("DELETE", `${path}/toxics/${encodeURIComponent(toxic)}`);
        },
        async reset() {
          const toxics = (await call("GET", `${path}/toxics`)) as Array<{ name: string }>;
          for (const t of toxics)
            await call("DELETE", `${path}/toxics/${encodeURIComponent(t.name)}`);
          await setEnabled(true);
        },
        setEnabled,
      };
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    },
  };
}
