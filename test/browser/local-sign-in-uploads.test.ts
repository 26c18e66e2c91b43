import type { Request, Route } from "playwright-core";
import { describe, expect, test } from "vitest";
import { axeViolations, peakMemoryDuring, screenshot, writeMetric } from "./support/browser.js";
import {
  browseTestFolder,
  download,
  expectNoCredentialHeld,
  MiB,
  pick,
  signIn,
  tab,
  useLocalPage,
  waitForJob,
} from "./support/local-page.js";
import { continueAs, makeFile, sha256Hex } from "./support/ui-harness.js";

/*
 * The page against the local stack (moto, applied by Terraform): sign-in to
 * each role through STS, upload (small and 64 MiB multipart), pause, reload
 * and resume, the viewer's browsing, download and share links, an upload
 * across a switch of role. The admin's views and the server's guards are in
 * local-admin-guards.test.ts. Its files go under browser/.
 */

const local = useLocalPage("uploads");
let big: { path: string; sha256: string; size: number };
let resumed: { path: string; sha256: string; size: number };

describe("the page on the local stack", () => {
  test("a sign-in with no profile and no credentials says what to fill in, in the form", async () => {
    const { page } = local;
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
    const { page } = local;
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "01-sign-in");
    for (const role of ["viewer", "uploader", "admin"] as const) await signIn(page, role);
    await page.getByRole("button", { name: "Switch role" }).click();
    // Live cached sessions are offered with their time left.
    await page.getByRole("heading", { name: "Continue as" }).waitFor();
    for (const role of ["viewer", "uploader", "admin"]) {
      await expect(page.getByRole("button", { name: role, exact: true }).isVisible()).resolves.toBe(
        true,
      );
    }
    expect(await page.getByText(/min .*left/).count()).toBeGreaterThanOrEqual(3);
    // The form offers the last sign-in's role and profile again.
    expect(await page.getByLabel(/AWS profile/).inputValue()).toBe("local-admin");
    expect(await page.getByRole("radio", { name: /admin/ }).isChecked()).toBe(true);
    await screenshot(page, "02-continue-as");
  });

  test("an uploader sends a small file and a 64 MiB file (multipart) and sees progress move", async () => {
    const { browser, page, work } = local;
    await continueAs(page, "uploader");
    const small = await makeFile(work, "note.txt", 1234, 2);
    big = await makeFile(work, "big.bin", 64 * MiB, 3);
    await pick(page, small.path, "browser/");
    await waitForJob(page, "browser/note.txt", "Done");
    const bytes = page
      .getByTestId("job")
      .filter({ hasText: "browser/big.bin" })
      .getByTestId("job-bytes");
    const seen = new Set<string>();
    const memory = await peakMemoryDuring(browser, page, async () => {
      await pick(page, big.path, "browser/");
      for (let i = 0; i < 600; i++) {
        const text = (await bytes.textContent()) ?? "";
        seen.add(text);
        if (text.startsWith("64 MiB of")) break;
        if (i === 3) await screenshot(page, "03-upload-in-progress");
        await page.waitForTimeout(100);
      }
      await waitForJob(page, "browser/big.bin", "Done");
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
    const { page, work } = local;
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
    await pick(page, file.path, "browser/");
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
    await pick(page, file.path, "browser/");
    await waitForJob(page, "browser/resume.bin", "Done");
    page.off("request", onRequest);
    await expect(job.getByTestId("job-resumed").textContent()).resolves.toContain(
      "2 parts already on S3",
    );
    expect([...new Set(sentAfter)].sort()).toEqual([3, 4, 5, 6]);
    await screenshot(page, "06-upload-resumed");
    resumed = file;
  });

  test("a viewer browses with breadcrumbs and downloads the very bytes", async () => {
    const { page } = local;
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "viewer");
    await browseTestFolder(page, "browser/");
    await page.getByRole("cell", { name: "big.bin", exact: true }).waitFor();
    await expect(
      page.getByRole("navigation", { name: "Folder path" }).textContent(),
    ).resolves.toContain("browser");
    await screenshot(page, "07-files");
    expect(await axeViolations(page)).toEqual([]);
    for (const file of [big, resumed]) {
      const name = file.path.split("/").pop() as string;
      const bytes = await download(page, () =>
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
    const { page } = local;
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
    // Copying says whether it worked (a browser may refuse the clipboard to a page).
    await page.getByRole("button", { name: "Copy link" }).click();
    await page
      .getByRole("status")
      .filter({
        hasText:
          /^(Copied\.|The browser did not allow copying: select the link above and copy it\.)$/,
      })
      .waitFor();
    await screenshot(page, "08-share");
    await page.getByRole("button", { name: "Close sharing" }).click();
  });

  test("a viewer's upload attempt says which role can upload", async () => {
    const { page } = local;
    await tab(page, "Upload");
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
    const { page, work } = local;
    const file = await makeFile(work, "held.bin", 16 * MiB, 13); // 2 parts, held unanswered
    const held: Route[] = [];
    await page.route(/held\.bin\?.*partNumber=/, (route) => {
      held.push(route);
    });
    await page.getByRole("button", { name: "Switch role" }).click();
    await continueAs(page, "uploader");
    await pick(page, file.path, "browser/");
    await expect.poll(() => held.length, { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByRole("button", { name: "Switch role" }).click();
    await page.getByText("1 upload keeps running, each under the role it started with").waitFor();
    await continueAs(page, "viewer");
    await tab(page, "Upload");
    const job = page.getByTestId("job").filter({ hasText: "browser/held.bin" });
    await job.getByText("as uploader").waitFor();
    await screenshot(page, "09b-upload-across-switch");
    await job.getByRole("button", { name: "Cancel browser/held.bin" }).click();
    await job.getByTestId("job-status").filter({ hasText: "Cancelled" }).waitFor();
    await page.unrouteAll({ behavior: "ignoreErrors" });
    for (const r of held) await r.abort().catch(() => {});
  });

  // After every test above: the sign-ins, uploads, downloads and share link they made.
  test("no response of the server and no page holds a credential", async () => {
    await expectNoCredentialHeld(local);
  });
});
