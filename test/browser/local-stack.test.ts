import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/core/config.js";
import { loadTestStack, type TestStack } from "../integration/support/stack.js";
import { axeViolations, launch, screenshot } from "./support/browser.js";
import { continueAs, makeFile, type RunningUi, sha256Hex, startUi } from "./support/ui-harness.js";

/*
 * The page against the local stack (moto, applied by Terraform): sign-in to
 * each role through STS, browse, upload (small and 64 MiB multipart), pause,
 * reload and resume, download, versions and restore, the admin views.
 * moto checks no signature and enforces no IAM: the strict lane is
 * minio-lane.test.ts.
 */

const MiB = 1024 * 1024;
let stack: TestStack;
let ui: RunningUi;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let work: string;
/** Every body the page's own server sent, to check no credential leaves it. */
const bodies: string[] = [];
const bucketRequests: Request[] = [];

async function openPage(): Promise<void> {
  await page.goto(ui.server.url);
  await page.getByRole("heading", { name: "Strongbox" }).first().waitFor();
}

async function signIn(role: "uploader" | "viewer" | "admin"): Promise<void> {
  const switchRole = page.getByRole("button", { name: "Switch role" });
  if (await switchRole.isVisible()) await switchRole.click();
  await page.getByLabel(role, { exact: false }).first().check();
  await page.getByLabel(/AWS profile/).fill(`local-${role}`);
  await page.getByRole("button", { name: `Sign in as ${role}` }).click();
  await page.getByText(`signed in as ${role}`).waitFor();
}

async function tab(name: string): Promise<void> {
  await page.getByRole("navigation", { name: "Sections" }).getByRole("button", { name }).click();
}

async function pick(paths: string | string[], prefix = ""): Promise<void> {
  await tab("Upload");
  await page.getByLabel(/Into folder/).fill(prefix);
  await page.getByTestId("pick-files").setInputFiles(paths);
}

async function waitForJob(key: string, status: string, timeout = 240_000): Promise<void> {
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

async function download(trigger: () => Promise<void>): Promise<Buffer> {
  const [file] = await Promise.all([page.waitForEvent("download"), trigger()]);
  const path = await file.path();
  return readFile(path);
}

beforeAll(async () => {
  stack = loadTestStack();
  work = await mkdtemp(join(tmpdir(), "sb-browser-local-"));
  // A private copy of the config: the page's sessions live next to it.
  const configPath = join(work, "config.json");
  await copyFile(stack.configPath, configPath);
  Object.assign(process.env, {
    AWS_CONFIG_FILE: stack.awsConfigFile,
    AWS_SHARED_CREDENTIALS_FILE: stack.awsCredentialsFile,
    AWS_REGION: "us-east-1",
  });
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
  await openPage();
});

afterAll(async () => {
  await browser?.close();
  await ui?.server.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the page on the local stack", () => {
  test("sign in to each role through STS; the sign-in screen passes axe", async () => {
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "01-sign-in");
    for (const role of ["viewer", "uploader", "admin"] as const) await signIn(role);
    await page.getByRole("button", { name: "Switch role" }).click();
    // Live cached sessions are offered with their time left.
    await page.getByRole("heading", { name: "Continue as" }).waitFor();
    for (const role of ["viewer", "uploader", "admin"]) {
      await expect(page.getByRole("button", { name: role, exact: true }).isVisible()).resolves.toBe(
        true,
      );
    }
    expect(await page.getByText(/min .*left/).count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, "02-continue-as");
  });

  test("an uploader sends a small file and a 64 MiB file (multipart) and sees progress move", async () => {
    await continueAs(page, "uploader");
    const small = await makeFile(work, "note.txt", 1234, 2);
    const big = await makeFile(work, "big.bin", 64 * MiB, 3);
    await pick(small.path, "browser/");
    await waitForJob("browser/note.txt", "Done");
    await pick(big.path, "browser/");
    const bytes = page
      .getByTestId("job")
      .filter({ hasText: "browser/big.bin" })
      .getByTestId("job-bytes");
    const seen = new Set<string>();
    for (let i = 0; i < 400 && !(await bytes.textContent())?.startsWith("64.0 MiB of"); i++) {
      seen.add((await bytes.textContent()) ?? "");
      if (i === 3) await screenshot(page, "03-upload-in-progress");
      await page.waitForTimeout(100);
    }
    await waitForJob("browser/big.bin", "Done");
    expect(seen.size).toBeGreaterThan(2); // progress moved through several values
    await screenshot(page, "04-upload-done");
    expect(await axeViolations(page)).toEqual([]);
  });
});
