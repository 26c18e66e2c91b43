import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import type { StrongboxConfig } from "../../src/core/config.js";
import { ROLES } from "../../src/core/roles.js";
import { freePort } from "../integration/support/local-tools.js";
import { type MinioLane, startMinioLane } from "../integration/support/minio.js";
import { launch, peakMemoryDuring, screenshot, writeMetric } from "./support/browser.js";
import { continueAs, makeFile, type RunningUi, sha256Hex, startUi } from "./support/ui-harness.js";

/*
 * The page against MinIO, which checks every signature, expiry, checksum and
 * session policy: parts really are verified by their SHA-256, an altered part
 * is refused, an expired URL is refused (and the page signs it again), and a
 * Viewer's session really may not upload.
 */

const MiB = 1024 * 1024;
let lane: MinioLane;
let ui: RunningUi;
let quick: RunningUi;
let browser: Browser;
let page: Page;
let work: string;

/** A UI server whose session cache holds one lane session per role. */
async function uiOnLane(urlLifetimeSeconds?: number): Promise<RunningUi> {
  const port = await freePort();
  const config: StrongboxConfig = { ...lane.config(), uiOrigins: [`http://127.0.0.1:${port}`] };
  const running = await startUi({
    config,
    ...(urlLifetimeSeconds === undefined ? {} : { urlLifetimeSeconds }),
  });
  for (const role of ROLES) {
    const credentials = await lane.sessionFor(role);
    await running.ctx.cache.write({
      role,
      roleArn: config.roles[role],
      assumedRoleArn: `arn:aws:sts::000000000000:assumed-role/strongbox-${role}/browser-test`,
      baseIdentityArn: "arn:aws:iam::000000000000:user/browser-test",
      sourceIdentity: "browser-test",
      mfaAuthenticated: false,
      createdAt: new Date(),
      credentials: {
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken as string,
        expiration: credentials.expiration,
      },
    });
  }
  return running;
}

async function open(server: RunningUi, role: string): Promise<void> {
  await page.goto("about:blank");
  await page.goto(server.server.url);
  await continueAs(page, role);
}

async function pick(path: string, prefix: string): Promise<void> {
  await page
    .getByRole("navigation", { name: "Sections" })
    .getByRole("button", { name: "Upload" })
    .click();
  await page.getByLabel(/Into folder/).fill(prefix);
  await page.getByTestId("pick-files").setInputFiles(path);
}

async function settled(key: string): Promise<{ status: string; text: string }> {
  const job = page.getByTestId("job").filter({ hasText: key }).last();
  await job
    .getByTestId("job-status")
    .filter({ hasText: /Done|Failed/ })
    .waitFor({ timeout: 240_000 });
  return {
    status: (await job.getByTestId("job-status").textContent()) ?? "",
    text: (await job.textContent()) ?? "",
  };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sb-browser-minio-"));
  lane = await startMinioLane();
  ui = await uiOnLane();
  quick = await uiOnLane(1);
  browser = await launch();
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === "fail" && page !== undefined) {
    await screenshot(page, `failed-minio-${ctx.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(
      () => {},
    );
  }
});

afterAll(async () => {
  await browser?.close();
  await ui?.server.close();
  await quick?.server.close();
  await lane?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the page against MinIO (every signature and checksum checked)", () => {
  test("a 64 MiB upload whose parts MinIO verifies, downloaded back byte for byte", async () => {
    const file = await makeFile(work, "strict.bin", 64 * MiB, 21);
    await open(ui, "uploader");
    const memory = await peakMemoryDuring(browser, page, async () => {
      await pick(file.path, "strict/");
      expect((await settled("strict/strict.bin")).status).toBe("Done");
    });
    await writeMetric("minio: 64 MiB upload, peak tab memory", memory);
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "viewer");
    await page.getByRole("button", { name: "strict/", exact: true }).click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download strict/strict.bin" }).click(),
    ]);
    const { readFile } = await import("node:fs/promises");
    const bytes = await readFile(await download.path());
    expect(bytes.length).toBe(file.size);
    expect(sha256Hex(bytes)).toBe(file.sha256);
  });

  test("a part altered in flight is refused (checksum) and the upload says so, never done", async () => {
    const file = await makeFile(work, "altered.bin", 20 * MiB, 22); // parts: 8, 8, 4 MiB
    await open(ui, "uploader");
    // Part 2 reaches MinIO with its signed checksum header but other bytes.
    await page.route(/altered\.bin\?.*partNumber=2/, async (route) => {
      const answer = await route.fetch({ postData: Buffer.alloc(8 * MiB, 0x5a) });
      // Fetched outside the page, so MinIO added no CORS headers: add what the bucket's rule would.
      await route.fulfill({
        response: answer,
        headers: { ...answer.headers(), "access-control-allow-origin": ui.server.origin },
      });
    });
    await pick(file.path, "strict/");
    const { status, text } = await settled("strict/altered.bin");
    await page.unrouteAll({ behavior: "ignoreErrors" });
    expect(status).toBe("Failed");
    expect(text).toMatch(
      /part 2 of "strict\/altered\.bin": the bytes it received do not match the SHA-256/,
    );
    // A part altered in transit may pass next time: Retry is offered.
    await page.getByRole("button", { name: "Retry strict/altered.bin" }).waitFor();
    await screenshot(page, "16-minio-altered-part");
  });

  test("an Uploader's key that already exists fails with no Retry (it would fail again)", async () => {
    const file = await makeFile(work, "once.txt", 2000, 24);
    await open(ui, "uploader");
    await pick(file.path, "strict/");
    expect((await settled("strict/once.txt")).status).toBe("Done");
    await pick(file.path, "strict/");
    const jobs = page.getByTestId("job").filter({ hasText: "strict/once.txt" });
    await expect.poll(() => jobs.count()).toBe(2);
    const { status, text } = await settled("strict/once.txt");
    expect(status).toBe("Failed");
    expect(text).toMatch(/already exists .*admin can replace it/);
    await jobs.last().getByRole("button", { name: "Cancel strict/once.txt" }).waitFor();
    expect(
      await jobs
        .last()
        .getByRole("button", { name: /^Retry/ })
        .count(),
    ).toBe(0);
  });

  test("a URL that expired (1-second URLs) is signed again and the upload completes", async () => {
    const file = await makeFile(work, "late.bin", 100_000, 23);
    await open(quick, "uploader");
    let signs = 0;
    page.on("request", (req) => {
      if (req.url().endsWith("/api/upload/sign-put")) signs++;
    });
    let delayed = false;
    await page.route(/late\.bin\?/, async (route) => {
      if (!delayed) {
        delayed = true;
        await new Promise((r) => setTimeout(r, 2500)); // the URL dies while it waits
      }
      await route.continue();
    });
    await pick(file.path, "strict/");
    const { status, text } = await settled("strict/late.bin");
    await page.unrouteAll({ behavior: "ignoreErrors" });
    expect(status, text).toBe("Done");
    expect(signs).toBeGreaterThanOrEqual(2);
    expect(
      quick.log.filter((l) => l.includes("signed PUT") && l.includes("late.bin")).length,
    ).toBeGreaterThanOrEqual(2);
  });

  test("S3 refuses a Viewer's upload, and the server says which role can", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port: ui.server.port,
          method: "POST",
          path: "/api/upload/start",
          headers: {
            host: `127.0.0.1:${ui.server.port}`,
            origin: ui.server.origin,
            "content-type": "application/json",
            "x-strongbox-token": ui.server.token,
          },
        },
        (res) => {
          let body = "";
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ role: "viewer", key: "strict/not-allowed.bin" }));
    });
    expect(answer.status).toBe(403);
    const { error } = JSON.parse(answer.body);
    expect(error.kind).toBe("access-denied");
    expect(error.message).toMatch(
      /role viewer may not CreateMultipartUpload .*uploader or admin can/,
    );
  });
});
