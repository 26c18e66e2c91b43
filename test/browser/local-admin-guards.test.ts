import { mkdtemp, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, test } from "vitest";
import { axeViolations, screenshot } from "./support/browser.js";
import {
  browseTestFolder,
  download,
  expectNoCredentialHeld,
  MiB,
  pick,
  raw,
  signIn,
  tab,
  useLocalPage,
  waitForJob,
} from "./support/local-page.js";
import { continueAs, makeFile, sha256Hex } from "./support/ui-harness.js";

/*
 * The page against the local stack (moto, applied by Terraform): keys that
 * look like markup, versions and restore, the admin views, a narrow window,
 * and the page's server's own guards (the address's key, the token, Origin
 * and Host). Sign-in, uploads and the viewer's browsing are in
 * local-sign-in-uploads.test.ts. Its files go under browser-admin/.
 */

const local = useLocalPage("admin");
const HOSTILE = `<img src=x onerror="window.__pwned=1">.txt`;

// This file's own start, whatever ran before it: a session of each role (the tests
// switch between them, and the credential check reads each), and in browser-admin/
// the note the Files tab waits for and a multipart upload for the signing log.
beforeAll(async () => {
  const { page, work } = local;
  for (const role of ["viewer", "admin", "uploader"] as const) await signIn(page, role);
  const note = await makeFile(work, "note.txt", 1234, 2);
  const big = await makeFile(work, "big.bin", 16 * MiB, 3); // 2 parts of 8 MiB
  await pick(page, [note.path, big.path], "browser-admin/");
  await waitForJob(page, "browser-admin/note.txt", "Done");
  await waitForJob(page, "browser-admin/big.bin", "Done");
});

describe("the page on the local stack", () => {
  test("keys are text: a key that looks like markup never becomes markup", async () => {
    const { page, work } = local;
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "uploader");
    const dir = await mkdtemp(join(work, "hostile-"));
    const hostile = await makeFile(dir, HOSTILE, 10, 9);
    await pick(page, hostile.path, "browser-admin/");
    await waitForJob(page, `browser-admin/${HOSTILE}`, "Done");
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "viewer");
    await browseTestFolder(page, "browser-admin/");
    await page.getByRole("cell", { name: HOSTILE, exact: true }).waitFor();
    expect(await page.locator("img, iframe, script:not([src])").count()).toBe(0);
    expect(await page.evaluate("window.__pwned")).toBeUndefined();
  });

  test("an admin restores an older version, deletes and undeletes", async () => {
    const { page, work } = local;
    const v1 = await makeFile(await mkdtemp(join(work, "v1-")), "doc.txt", 3000, 11);
    const v2 = await makeFile(await mkdtemp(join(work, "v2-")), "doc.txt", 4000, 12);
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "admin");
    for (const v of [v1, v2]) {
      await pick(page, v.path, "browser-admin/");
      await page
        .getByTestId("job")
        .filter({ hasText: "browser-admin/doc.txt" })
        .last()
        .getByTestId("job-status")
        .filter({ hasText: "Done" })
        .waitFor();
    }
    await browseTestFolder(page, "browser-admin/");
    await page.getByRole("button", { name: "Versions of browser-admin/doc.txt" }).click();
    const restore = page.getByRole("button", { name: /^Restore version/ });
    await restore.first().waitFor();
    // The panel opened below the list takes the focus; Escape closes it.
    expect(await page.evaluate("document.activeElement?.id")).toBe("versions-h");
    await page.keyboard.press("Escape");
    await expect(page.locator("section.panel").count()).resolves.toBe(0);
    // ... and gives the focus back to the row's button that opened it.
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe(
      "Versions of browser-admin/doc.txt",
    );
    await page.getByRole("button", { name: "Versions of browser-admin/doc.txt" }).click();
    await restore.first().waitFor();
    await screenshot(page, "10-versions");
    await restore.first().click();
    await page.getByRole("status").filter({ hasText: "it is the latest again" }).waitFor();
    const latest = await download(page, () =>
      page.getByRole("button", { name: "Download browser-admin/doc.txt" }).click(),
    );
    expect(sha256Hex(latest)).toBe(v1.sha256);

    // Deleted from its row while its versions are open: the panel is read afresh.
    await page.getByRole("button", { name: "Delete browser-admin/doc.txt" }).click();
    await page.getByRole("status").filter({ hasText: "Deleted browser-admin/doc.txt" }).waitFor();
    const panel = page.locator("section.panel");
    await panel.getByRole("cell", { name: "delete marker" }).waitFor();
    await panel.getByText("This file is deleted").waitFor();
    expect(await panel.getByText("it is the latest again").count()).toBe(0);
    await page.getByRole("button", { name: "Close versions" }).click();
    await expect(page.getByRole("cell", { name: "doc.txt", exact: true }).count()).resolves.toBe(0);
    await page.getByLabel(/Versions of a key/).fill("browser-admin/doc.txt");
    await page.getByRole("button", { name: "Show versions" }).click();
    await page.getByRole("button", { name: "Undelete" }).click();
    await page.getByRole("status").filter({ hasText: "Undeleted browser-admin/doc.txt" }).waitFor();
    await page.getByRole("button", { name: "Close versions" }).click();
    await page.getByRole("cell", { name: "doc.txt", exact: true }).waitFor();
    const back = await download(page, () =>
      page.getByRole("button", { name: "Download browser-admin/doc.txt" }).click(),
    );
    expect(sha256Hex(back)).toBe(v1.sha256);
  });

  test("an admin lists and aborts a stale multipart upload, and sees the access matrix and the signing log", async () => {
    const { page, stack, ui } = local;
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
    await tab(page, "Admin");
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
    // 21 share links more, so the log holds more than the 20 it shows at first.
    for (let i = 0; i < 21; i++) {
      const shared = await fetch(`${ui.server.origin}/api/share`, {
        method: "POST",
        headers: {
          "x-strongbox-token": ui.server.token,
          origin: ui.server.origin,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          role: "viewer",
          key: "browser-admin/note.txt",
          expiresInSeconds: 900,
        }),
      });
      expect(shared.status).toBe(200);
    }
    await admin.getByRole("button", { name: "Signed URLs" }).click();
    const rows = page.locator("table:visible tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(20);
    await page.getByRole("button", { name: /^Show all \d+$/ }).click();
    expect(await rows.count()).toBeGreaterThan(21);
    // The part URLs this file's setup signed for browser-admin/big.bin.
    await page
      .getByRole("cell", { name: /\/browser-admin\/big\.bin\?.*partNumber=1/ })
      .first()
      .waitFor();
    const log = await page.locator("table:visible").textContent();
    expect(log).not.toMatch(/X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token/);
    await screenshot(page, "14-admin-signed-log");
  });

  test("usable in a narrow window", async () => {
    const { page } = local;
    await page.setViewportSize({ width: 380, height: 820 });
    await browseTestFolder(page, "browser-admin/");
    await screenshot(page, "15-narrow-files");
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  test("the bare address, then the full one in the same tab: the key is read without a reload", async () => {
    const { context, ui } = local;
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
    const { ui } = local;
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

  // After every test above and the setup: sign-ins, uploads, versions, the admin's views.
  test("no response of the server and no page holds a credential", async () => {
    await expectNoCredentialHeld(local);
  });
});
