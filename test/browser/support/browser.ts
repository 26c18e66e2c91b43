import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

/*
 * Browser tests run in Debian's Chromium (`apt-get install chromium`, done by
 * scripts/bootstrap.sh), driven by playwright-core: never a downloaded browser.
 */

export const ROOT = resolve(import.meta.dirname, "../../..");
export const PAGE_DIR = join(ROOT, "dist/ui/page");
export const ARTIFACTS = join(ROOT, ".strongbox/test/browser");

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

export function chromiumPath(): string {
  const chosen = process.env.STRONGBOX_CHROMIUM ?? CANDIDATES.find((p) => existsSync(p));
  if (chosen === undefined || !existsSync(chosen)) {
    throw new Error(
      "Chromium is not installed: run `bash scripts/bootstrap.sh chromium` (apt-get install chromium) or set STRONGBOX_CHROMIUM",
    );
  }
  return chosen;
}

export function assertPageBuilt(): void {
  if (!existsSync(join(PAGE_DIR, "index.html"))) {
    throw new Error(
      `the page is not built (${PAGE_DIR}/index.html missing): run \`npm run build\``,
    );
  }
}

export async function launch(): Promise<Browser> {
  assertPageBuilt();
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespace for the sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(join(ARTIFACTS, "screenshots"), { recursive: true });
  const path = join(ARTIFACTS, "screenshots", `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs axe-core in the page; returns the violations (id, impact, target), none expected. */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = await import("axe-core").then((m) => (m.default ?? m).source as string);
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(source);
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } })`,
  )) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}
