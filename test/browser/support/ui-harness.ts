import { createHash } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Page } from "playwright-core";
import { parseConfig, type StrongboxConfig, writeConfig } from "../../../src/core/config.js";
import { createUiContext, type UiContext } from "../../../src/ui/server/context.js";
import { choosePort } from "../../../src/ui/server/port.js";
import { startUiServer, type UiServer } from "../../../src/ui/server/server.js";
import { PAGE_DIR } from "./browser.js";

export interface RunningUi {
  server: UiServer;
  ctx: UiContext;
  configPath: string;
  log: string[];
}

/** The page's server, as `strongbox ui` runs it, on a free port for a test. */
export async function startUi(opts: {
  config: StrongboxConfig;
  configPath?: string;
  urlLifetimeSeconds?: number;
  profile?: string;
  port?: number;
}): Promise<RunningUi> {
  let configPath = opts.configPath;
  if (configPath === undefined) {
    const dir = await mkdtemp(join(tmpdir(), "sb-ui-browser-"));
    configPath = join(dir, "config.json");
    await writeConfig(configPath, parseConfig(opts.config, "test"));
  }
  const log: string[] = [];
  const ctx = createUiContext({
    config: opts.config,
    configPath,
    // A private session folder for the test (the CLI keeps its own elsewhere).
    sessionsDir: join(dirname(configPath), "sessions"),
    profile: opts.profile,
    log: (line) => log.push(line),
  });
  const server = await startUiServer({
    ctx,
    // The port the bucket's CORS rule admits, as `strongbox ui` chooses it.
    port: opts.port ?? choosePort(opts.config.uiOrigins, undefined).port,
    pageDir: PAGE_DIR,
    idleMs: 30 * 60_000,
    ...(opts.urlLifetimeSeconds === undefined
      ? {}
      : { urlLifetimeSeconds: opts.urlLifetimeSeconds }),
  });
  return { server, ctx, configPath, log };
}

/** Picks the role among the live sessions offered on the sign-in screen. */
export async function continueAs(page: Page, role: string): Promise<void> {
  await page.getByRole("button", { name: role, exact: true }).click();
  await page.getByText(`signed in as ${role}`).waitFor();
}

/** A file of `size` pseudo-random bytes and its SHA-256 (hex). */
export async function makeFile(dir: string, name: string, size: number, seed = 1) {
  const path = join(dir, name);
  const data = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i += 4) {
    x = (x * 1103515245 + 12345) >>> 0;
    data.writeUInt32LE(x, Math.min(i, size - 4));
  }
  await writeFile(path, data);
  return { path, sha256: createHash("sha256").update(data).digest("hex"), size };
}

export const sha256Hex = (data: Buffer) => createHash("sha256").update(data).digest("hex");
