import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { Browser, BrowserContext, Page, Request, Route } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { loadConfig } from "../../src/core/config.js";
import { loadTestStack, type TestStack } from "../integration/support/stack.js";
import {
  axeViolations,
  launch,
  peakMemoryDuring,
  screenshot,
  writeMetric,
} from "./support/browser.js";
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
let big: { path: string; sha256: string; size: number };
let resumed: { path: string; sha256: string; size: number };
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

/** The Files tab, inside browser/ (where every test puts its files). */
async function browseTestFolder(): Promise<void> {
  await tab("Files");
  const folder = page.getByRole("button", { name: "browser/", exact: true });
  const note = page.getByRole("cell", { name: "note.txt", exact: true });
  // The listing loads after the tab opens: wait for it to show the folder (at the
  // root) or its file (already inside) before deciding whether to open the folder.
  await folder.or(note).first().waitFor();
  if (await folder.isVisible()) await folder.click();
  await note.waitFor();
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
  await openPage();
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

describe("the page on the local stack", () => {
  test("a sign-in with no profile and no credentials says what to fill in, in the form", async () => {
    await page.getByLabel("viewer", { exact: false }).first().check();
    await page.getByLabel(/AWS profile/).fill("");
    await page.getByRole("button", { name: "Sign in as viewer" }).click();
    const alert = page.locator("form").getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /no AWS credentials.*\(enter the AWS profile to sign in with, in the field above\)/,
    );
    // A refused sign-in is not a session that ran out: no banner asks to sign in again.
    expect(await page.getByText("Sign in again to continue").count()).toBe(0);
  });

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
    big = await makeFile(work, "big.bin", 64 * MiB, 3);
    await pick(small.path, "browser/");
    await waitForJob("browser/note.txt", "Done");
    const bytes = page
      .getByTestId("job")
      .filter({ hasText: "browser/big.bin" })
      .getByTestId("job-bytes");
    const seen = new Set<string>();
    const memory = await peakMemoryDuring(browser, page, async () => {
      await pick(big.path, "browser/");
      for (let i = 0; i < 600; i++) {
        const text = (await bytes.textContent()) ?? "";
        seen.add(text);
        if (text.startsWith("64 MiB of")) break;
        if (i === 3) await screenshot(page, "03-upload-in-progress");
        await page.waitForTimeout(100);
      }
      await waitForJob("browser/big.bin", "Done");
    });
    await writeMetric("local: 64 MiB upload, peak tab memory", memory);
    // Progress moved through several values on its way to the end.
    expect([...seen].filter((t) => /^\d/.test(t) && !t.startsWith("0 B")).length).toBeGreaterThan(
      1,
    );
    await screenshot(page, "04-upload-done");
    expect(await axeViolations(page)).toEqual([]);
  });

  test("pause, reload mid-upload, pick the same file: only the missing parts are sent", async () => {
    const file = await makeFile(work, "resume.bin", 48 * MiB, 4); // 6 parts of 8 MiB
    const done = new Set<number>();
    const held: Route[] = [];
    await page.route(/resume\.bin\?.*partNumber=/, async (route) => {
      const n = Number(new URL(route.request().url()).searchParams.get("partNumber"));
      if (n <= 2) {
        const res = await route.fetch();
        if (res.ok()) done.add(n);
        await route.fulfill({ response: res });
      } else {
        held.push(route); // never answered: these parts are in flight when the page pauses
      }
    });
    await pick(file.path, "browser/");
    await expect.poll(() => done.size, { timeout: 120_000 }).toBe(2);
    const job = page.getByTestId("job").filter({ hasText: "browser/resume.bin" });
    await job.getByRole("button", { name: /^Pause/ }).click();
    await job.getByTestId("job-status").filter({ hasText: "Paused" }).waitFor();
    await screenshot(page, "05-upload-paused");
    await page.unrouteAll({ behavior: "ignoreErrors" });
    for (const r of held) await r.abort().catch(() => {});

    await page.reload();
    const sentAfter: number[] = [];
    const onRequest = (req: Request) => {
      const n = new URL(req.url()).searchParams.get("partNumber");
      if (req.method() === "PUT" && req.url().includes("resume.bin") && n !== null)
        sentAfter.push(Number(n));
    };
    page.on("request", onRequest);
    await continueAs(page, "uploader");
    await pick(file.path, "browser/");
    await waitForJob("browser/resume.bin", "Done");
    page.off("request", onRequest);
    await expect(job.getByTestId("job-resumed").textContent()).resolves.toContain(
      "2 parts already on S3",
    );
    expect([...new Set(sentAfter)].sort()).toEqual([3, 4, 5, 6]);
    await screenshot(page, "06-upload-resumed");
    resumed = file;
  });

  test("a viewer browses with breadcrumbs and downloads the very bytes", async () => {
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "viewer");
    await browseTestFolder();
    await page.getByRole("cell", { name: "big.bin", exact: true }).waitFor();
    await expect(
      page.getByRole("navigation", { name: "Folder path" }).textContent(),
    ).resolves.toContain("browser");
    await screenshot(page, "07-files");
    expect(await axeViolations(page)).toEqual([]);
    for (const file of [big, resumed]) {
      const name = file.path.split("/").pop() as string;
      const bytes = await download(() =>
        page.getByRole("button", { name: `Download browser/${name}` }).click(),
      );
      expect(bytes.length).toBe(file.size);
      expect(sha256Hex(bytes)).toBe(file.sha256);
      // The page cannot see the download end: it says only what it knows.
      await page
        .getByRole("status")
        .filter({ hasText: `Download of browser/${name} handed to the browser` })
        .waitFor();
    }
  });

  test("a viewer's share link shows its real expiry", async () => {
    await page.getByRole("button", { name: "Share browser/note.txt" }).click();
    await page.getByLabel("Link valid for").selectOption({ label: "7 days" });
    await page.getByRole("button", { name: "Create link" }).click();
    const expiry = await page.getByTestId("share-expiry").textContent();
    // The session ends in under an hour, so a 7-day link is cut to it, and says so.
    expect(expiry).toMatch(/earlier than you asked/);
    const url = await page.getByLabel(/^Link \(anyone/).inputValue();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).length).toBe(1234);
    await screenshot(page, "08-share");
    await page.getByRole("button", { name: "Close sharing" }).click();
  });

  test("a viewer's upload attempt says which role can upload", async () => {
    await tab("Upload");
    // Said up front, before any file is picked.
    await expect(page.getByTestId("upload-role-note").textContent()).resolves.toContain(
      "Your role viewer cannot upload files; uploader or admin can.",
    );
    await page.getByTestId("pick-files").setInputFiles(big.path.replace("big.bin", "note.txt"));
    await page.getByRole("alert").filter({ hasText: "cannot upload" }).waitFor();
    const text = await page.getByRole("alert").filter({ hasText: "cannot upload" }).textContent();
    expect(text).toContain("Your role viewer cannot upload files; uploader or admin can.");
    await screenshot(page, "09-viewer-upload-refused");
  });

  test("an upload keeps running, and in view, across a switch of role", async () => {
    const file = await makeFile(work, "held.bin", 16 * MiB, 13); // 2 parts, held unanswered
    const held: Route[] = [];
    await page.route(/held\.bin\?.*partNumber=/, (route) => {
      held.push(route);
    });
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "uploader");
    await pick(file.path, "browser/");
    await expect.poll(() => held.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Switch role" }).click();
    await page.getByText("1 upload keeps running, each under the role it started with").waitFor();
    await continueAs(page, "viewer");
    await tab("Upload");
    const job = page.getByTestId("job").filter({ hasText: "browser/held.bin" });
    await job.getByText("as uploader").waitFor();
    await screenshot(page, "09b-upload-across-switch");
    await job.getByRole("button", { name: "Cancel browser/held.bin" }).click();
    await job.getByTestId("job-status").filter({ hasText: "Cancelled" }).waitFor();
    await page.unrouteAll({ behavior: "ignoreErrors" });
    for (const r of held) await r.abort().catch(() => {});
  });

  test("keys are text: a key that looks like markup never becomes markup", async () => {
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "uploader");
    const dir = await mkdtemp(join(work, "hostile-"));
    const hostile = await makeFile(dir, HOSTILE, 10, 9);
    await pick(hostile.path, "browser/");
    await waitForJob(`browser/${HOSTILE}`, "Done");
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "viewer");
    await browseTestFolder();
    await page.getByRole("cell", { name: HOSTILE, exact: true }).waitFor();
    expect(await page.locator("img, iframe, script:not([src])").count()).toBe(0);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
  });

  test("an admin restores an older version, deletes and undeletes", async () => {
    const v1 = await makeFile(await mkdtemp(join(work, "v1-")), "doc.txt", 3000, 11);
    const v2 = await makeFile(await mkdtemp(join(work, "v2-")), "doc.txt", 4000, 12);
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "admin");
    for (const v of [v1, v2]) {
      await pick(v.path, "browser/");
      await page
        .getByTestId("job")
        .filter({ hasText: "browser/doc.txt" })
        .last()
        .getByTestId("job-status")
        .filter({ hasText: "Done" })
        .waitFor();
    }
    await browseTestFolder();
    await page.getByRole("button", { name: "Versions of browser/doc.txt" }).click();
    const restore = page.getByRole("button", { name: /^Restore version/ });
    await restore.first().waitFor();
    await screenshot(page, "10-versions");
    await restore.first().click();
    await page.getByRole("status").filter({ hasText: "it is the latest again" }).waitFor();
    const latest = await download(() =>
      page.getByRole("button", { name: "Download browser/doc.txt" }).click(),
    );
    expect(sha256Hex(latest)).toBe(v1.sha256);

    // Deleted from its row while its versions are open: the panel is read afresh.
    await page.getByRole("button", { name: "Delete browser/doc.txt" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted browser/doc.txt" }).waitFor();
    const panel = page.locator("section.panel");
    await panel.getByRole("cell", { name: "delete marker" }).waitFor();
    await panel.getByText("This file is deleted").waitFor();
    expect(await panel.getByText("it is the latest again").count()).toBe(0);
    await page.getByRole("button", { name: "Close versions" }).click();
    await expect(page.getByRole("cell", { name: "doc.txt", exact: true }).count()).resolves.toBe(0);
    await page.getByLabel(/Versions of a key/).fill("browser/doc.txt");
    await page.getByRole("button", { name: "Show versions" }).click();
    await page.getByRole("button", { name: "Undelete" }).click();
    await page.getByRole("status").filter({ hasText: "Undeleted browser/doc.txt" }).waitFor();
    await page.getByRole("button", { name: "Close versions" }).click();
    await page.getByRole("cell", { name: "doc.txt", exact: true }).waitFor();
    const back = await download(() =>
      page.getByRole("button", { name: "Download browser/doc.txt" }).click(),
    );
    expect(sha256Hex(back)).toBe(v1.sha256);
  });

  test("an admin lists and aborts a stale multipart upload, and sees the access matrix and the signing log", async () => {
    const config = JSON.parse(await readFile(ui.configPath, "utf8"));
    const s3 = new S3Client({
      region: "us-east-1",
      endpoint: stack.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    const created = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: config.bucket, Key: "stale/forgotten.bin" }),
    );
    await tab("Admin");
    await page.getByRole("button", { name: "Abort the upload of stale/forgotten.bin" }).click();
    await page.getByText("Aborted the upload of stale/forgotten.bin.").waitFor();
    const left = await s3.send(new ListMultipartUploadsCommand({ Bucket: config.bucket }));
    expect((left.Uploads ?? []).map((u) => u.UploadId)).not.toContain(created.UploadId);
    // Ended elsewhere after the list was read: Abort says so and the row goes.
    const other = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: config.bucket, Key: "stale/ended.bin" }),
    );
    const views = page.getByRole("navigation", { name: "Admin views" });
    await views.getByRole("button", { name: "Signed URLs" }).click();
    await views.getByRole("button", { name: "Unfinished uploads" }).click();
    const abortEnded = page.getByRole("button", { name: "Abort the upload of stale/ended.bin" });
    await abortEnded.waitFor();
    await s3.send(
      new AbortMultipartUploadCommand({
        Bucket: config.bucket,
        Key: "stale/ended.bin",
        UploadId: other.UploadId,
      }),
    );
    await abortEnded.click();
    await page.getByText("The upload of stale/ended.bin had already ended").waitFor();
    await expect.poll(() => abortEnded.count()).toBe(0);
    s3.destroy();
    await screenshot(page, "11-admin-uploads");

    const admin = page.getByRole("navigation", { name: "Admin views" });
    // Each saved query is offered under its own label.
    await admin.getByRole("button", { name: "Activity" }).click();
    const labels = await page.getByLabel("Query").locator("option").allTextContents();
    expect(labels).toHaveLength(6);
    expect(new Set(labels).size).toBe(6);
    expect(labels).toContain("downloads, by person");
    await admin.getByRole("button", { name: "Access matrix" }).click();
    await page
      .getByText(/cells (match|differ from) the access contract/)
      .waitFor({ timeout: 120_000 });
    // The engine's note is shown, and the stack's config leaves no row unchecked.
    await page.getByText(/^Note: the emulator at .* has no IAM policy simulator/).waitFor();
    expect(await page.getByText(/^Not checked:/).count()).toBe(0);
    // envs/local leaves the bucket policy unattached: the page says why its cells differ.
    await page
      .getByText(/^Note: the bucket .* has no bucket policy.*local stack leaves it unattached/)
      .waitFor();
    expect(await page.getByRole("cell", { name: /^read the deployed policies/ }).count()).toBe(1);
    await screenshot(page, "12-admin-access");
    expect(await axeViolations(page)).toEqual([]);
    await admin.getByRole("button", { name: "Alarms" }).click();
    await page.getByRole("heading", { name: "Alarms" }).waitFor();
    await page.locator("table:visible, p.error:visible").first().waitFor({ timeout: 60_000 });
    await screenshot(page, "13-admin-alarms");
    await admin.getByRole("button", { name: "Signed URLs" }).click();
    await page
      .getByRole("cell", { name: /\/browser\/big\.bin\?.*partNumber=1/ })
      .first()
      .waitFor();
    const log = await page.locator("table:visible").textContent();
    expect(log).not.toMatch(/X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token/);
    await screenshot(page, "14-admin-signed-log");
  });

  test("usable in a narrow window", async () => {
    await page.setViewportSize({ width: 380, height: 820 });
    await browseTestFolder();
    await screenshot(page, "15-narrow-files");
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  test("the bare address, then the full one in the same tab: the key is read without a reload", async () => {
    const tab = await context.newPage();
    try {
      await tab.goto(`${ui.server.origin}/`);
      await tab.getByText("This page needs the full address").waitFor();
      await tab.goto(ui.server.url); // only the fragment changes: no reload
      await tab.getByRole("heading", { name: "Sign in to a role" }).waitFor();
      expect(await tab.getByText("This page needs the full address").count()).toBe(0);
    } finally {
      await tab.close();
    }
  });

  test("a request without the token, with a foreign Origin or a foreign Host is refused", async () => {
    const port = ui.server.port;
    const host = `127.0.0.1:${port}`;
    const token = ui.server.token;
    const post = { "content-type": "application/json" };
    const answers = {
      noToken: await raw(port, "GET", "/api/state", { host }),
      foreignOrigin: await raw(
        port,
        "POST",
        "/api/logout",
        { host, "x-strongbox-token": token, origin: "http://evil.example", ...post },
        '{"role":"viewer"}',
      ),
      foreignHost: await raw(port, "GET", "/api/state", {
        host: `evil.example:${port}`,
        "x-strongbox-token": token,
      }),
      good: await raw(port, "GET", "/api/state", { host, "x-strongbox-token": token }),
    };
    expect(answers.noToken).toBe(401);
    expect(answers.foreignOrigin).toBe(403);
    expect(answers.foreignHost).toBe(421);
    expect(answers.good).toBe(200);
  });

  test("no response of the server and no page holds a credential", async () => {
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
  });
});

const HOSTILE = `<img src=x onerror="window.__pwned=1">.txt`;

function raw(
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
