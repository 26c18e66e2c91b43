import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { loadConfig } from "../../../src/core/config.js";
import { loadTestStack, type TestStack } from "../../integration/support/stack.js";
import { launch, screenshot } from "./browser.js";
import { type RunningUi, startUi } from "./ui-harness.js";

/*
 * The page against the local stack (moto, applied by Terraform), shared by the
 * local-*.test.ts files: each file gets its own private config and session
 * folder, its own page server (`strongbox ui`) and its own Chromium.
 * moto checks no signature and enforces no IAM: the strict lane is
 * minio-lane.test.ts.
 *
 * The page's server listens on the one port the stack's CORS rule admits
 * (STRONGBOX_UI_PORT), so two of these files can never run at once: the browser
 * project runs its files one after another (fileParallelism: false in
 * vitest.config.ts), and each file closes its server before the next starts.
 * The files share the stack's bucket: each keeps its files under a folder of
 * its own, so neither finds the other's keys where it lists (an Uploader may
 * not overwrite a key, either).
 */

export const MiB = 1024 * 1024;
export type Role = "uploader" | "viewer" | "admin";

/** A file's state on the local stack, filled in by useLocalPage's beforeAll. */
export interface LocalPage {
  readonly stack: TestStack;
  readonly ui: RunningUi;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** A private temporary folder: the config, the sessions, the files to upload. */
  readonly work: string;
  /** Every body the page's own server sent, to check no credential leaves it. */
  readonly bodies: string[];
  readonly bucketRequests: Request[];
}

/**
 * Registers the file's hooks (start the page's server and Chromium, open the
 * page; a screenshot of each failed test; close all at the end) and returns
 * the state they fill in: read its fields inside tests and hooks only.
 */
export function useLocalPage(label: string): LocalPage {
  let stack: TestStack;
  let ui: RunningUi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let work: string;
  const bodies: string[] = [];
  const bucketRequests: Request[] = [];
  const local: LocalPage = {
    get stack() {
      return stack;
    },
    get ui() {
      return ui;
    },
    get browser() {
      return browser;
    },
    get context() {
      return context;
    },
    get page() {
      return page;
    },
    get work() {
      return work;
    },
    bodies,
    bucketRequests,
  };

  beforeAll(async () => {
    stack = loadTestStack();
    work = await mkdtemp(join(tmpdir(), `sb-browser-local-${label}-`));
    // A private copy of the config: the page's sessions live next to it.
    const configPath = join(work, "config.json");
    // Without the per-role profiles of the stack's config: every sign-in here names its
    // profile, and one with the field empty must find no credentials at all.
    const { profiles: _profiles, ...config } = JSON.parse(await readFile(stack.configPath, "utf8"));
    await writeFile(configPath, JSON.stringify(config), { mode: 0o600 });
    Object.assign(process.env, {
      AWS_CONFIG_FILE: stack.awsConfigFile,
      AWS_SHARED_CREDENTIALS_FILE: stack.awsCredentialsFile,
      AWS_REGION: "us-east-1",
      // No credentials but the stack's profiles: no instance metadata to wait for either.
      AWS_EC2_METADATA_DISABLED: "true",
    });
    for (const name of [
      "AWS_PROFILE",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_SESSION_TOKEN",
    ]) {
      delete process.env[name];
    }
    ui = await startUi({ config: await loadConfig(configPath), configPath });
    browser = await launch();
    context = await browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1200, height: 900 },
    });
    page = await context.newPage();
    page.on("response", async (res) => {
      if (res.url().startsWith(ui.server.origin)) bodies.push(await res.text().catch(() => ""));
    });
    page.on("console", (m) => console.log(`[page] ${m.type()}: ${m.text()}`));
    page.on("request", (req) => {
      if (req.url().startsWith(stack.endpoint)) bucketRequests.push(req);
    });
    await openPage(local);
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail" && page !== undefined) {
      await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(
        () => {},
      );
    }
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.server.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  return local;
}

export async function openPage({ page, ui }: Pick<LocalPage, "page" | "ui">): Promise<void> {
  await page.goto(ui.server.url);
  await page.getByRole("heading", { name: "Strongbox" }).first().waitFor();
}

export async function signIn(page: Page, role: Role): Promise<void> {
  const switchRole = page.getByRole("button", { name: "Switch role" });
  if (await switchRole.isVisible()) await switchRole.click();
  await page.getByLabel(role, { exact: false }).first().check();
  await page.getByLabel(/AWS profile/).fill(`local-${role}`);
  await page.getByRole("button", { name: `Sign in as ${role}` }).click();
  await page.getByText(`signed in as ${role}`).waitFor();
}

export async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole("navigation", { name: "Sections" }).getByRole("button", { name }).click();
}

/** The Files tab, inside `folder` (where the file's tests put their files, note.txt among them). */
export async function browseTestFolder(page: Page, folder: string): Promise<void> {
  await tab(page, "Files");
  const button = page.getByRole("button", { name: folder, exact: true });
  const note = page.getByRole("cell", { name: "note.txt", exact: true });
  // The listing loads after the tab opens: wait for it to show the folder (at the
  // root) or its file (already inside) before deciding whether to open the folder.
  await button.or(note).first().waitFor();
  if (await button.isVisible()) await button.click();
  await note.waitFor();
}

export async function pick(page: Page, paths: string | string[], prefix = ""): Promise<void> {
  await tab(page, "Upload");
  await page.getByLabel(/Into folder/).fill(prefix);
  await page.getByTestId("pick-files").setInputFiles(paths);
}

export async function waitForJob(
  page: Page,
  key: string,
  status: string,
  timeout = 240_000,
): Promise<void> {
  const job = page.getByTestId("job").filter({ hasText: key }).last();
  await job
    .getByTestId("job-status")
    .filter({ hasText: new RegExp(`${status}|Failed`) })
    .waitFor({ timeout });
  const text = await job.textContent();
  if (!text?.includes(status)) throw new Error(`upload of ${key}: ${text}`);
  await page
    .getByTestId("job")
    .filter({ hasText: key })
    .last()
    .getByTestId("job-status")
    .filter({ hasText: status })
    .waitFor({ timeout });
}

export async function download(page: Page, trigger: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent("download"), trigger()]);
  const path = await file.path();
  return readFile(path);
}

/**
 * No response the page's server sent in this file, and not the page as it is
 * now, holds a secret key of a role's session or of a demo principal, nor a
 * session token outside a pre-signed URL. Needs a session of each role.
 */
export async function expectNoCredentialHeld(local: LocalPage): Promise<void> {
  const { bodies, page, stack, ui } = local;
  const sessions = ui.ctx.cache.dir;
  const secrets: string[] = [];
  const tokens: string[] = [];
  for (const role of ["uploader", "viewer", "admin"]) {
    const entry = JSON.parse(await readFile(join(sessions, `${role}.json`), "utf8"));
    secrets.push(entry.credentials.secretAccessKey);
    tokens.push(entry.credentials.sessionToken);
  }
  const principals = Object.values(stack.demoPrincipals).map((p) => p.secret_access_key);
  const everything = [...bodies, await page.content()];
  expect(bodies.length).toBeGreaterThan(20);
  for (const text of everything) {
    for (const secret of [...secrets, ...principals]) expect(text).not.toContain(secret);
    // A pre-signed URL carries its session's token as X-Amz-Security-Token; nowhere else.
    const outsideUrls = text.replace(/X-Amz-Security-Token=[^&"\s]*/g, "");
    for (const token of tokens) {
      expect(outsideUrls).not.toContain(token);
      expect(outsideUrls).not.toContain(encodeURIComponent(token));
    }
  }
}

/** A raw HTTP request to the page's server, with exactly these headers: its status. */
export function raw(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}
