import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { PAGE_DIR } from "../../../src/cli/package-files.js";

/*
 * Browser tests run in Debian's Chromium (`apt-get install chromium`, done by
 * scripts/bootstrap.sh), driven by playwright-core: never a downloaded browser.
 */

export const ROOT = resolve(import.meta.dirname, "../../..");
/** The page `strongbox ui` serves (the CLI's own fact). */
export { PAGE_DIR } from "../../../src/cli/package-files.js";
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

/**
 * Samples memory while `work` runs, every 200 ms: the largest renderer process
 * (the tab; its hashing workers live there) by resident set and by anonymous
 * memory (RssAnon: what the page itself allocated, not mapped files), and the
 * JS heap. `before` is the same renderer just before the work.
 */
export async function peakMemoryDuring(
  browser: import("playwright-core").Browser,
  page: Page,
  work: () => Promise<void>,
): Promise<{
  before: { rssMiB: number; anonMiB: number };
  peak: { rssMiB: number; anonMiB: number; jsHeapMiB: number };
}> {
  const { readFile } = await import("node:fs/promises");
  const MiB = 1024 * 1024;
  const root = await browser.newBrowserCDPSession();
  const tab = await page.context().newCDPSession(page);
  await tab.send("Performance.enable");
  const renderer = async () => {
    const info = (await root.send("SystemInfo.getProcessInfo")) as {
      processInfo: { id: number; type: string }[];
    };
    let best = { rss: 0, anon: 0 };
    for (const p of info.processInfo.filter((p) => p.type === "renderer")) {
      const status = await readFile(`/proc/${p.id}/status`, "utf8").catch(() => "");
      const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      const anon = Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      if (rss > best.rss) best = { rss, anon };
    }
    return best;
  };
  const start = await renderer();
  const peak = { rss: 0, anon: 0, heap: 0 };
  let running = true;
  const sample = async () => {
    const now = await renderer();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.anon = Math.max(peak.anon, now.anon);
    const metrics = (await tab.send("Performance.getMetrics")) as {
      metrics: { name: string; value: number }[];
    };
    const heap = metrics.metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
    peak.heap = Math.max(peak.heap, heap);
  };
  const loop = (async () => {
    while (running) {
      await sample().catch(() => {});
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  try {
    await work();
  } finally {
    running = false;
    await loop;
    await root.detach().catch(() => {});
    await tab.detach().catch(() => {});
  }
  return {
    before: { rssMiB: Math.round(start.rss / MiB), anonMiB: Math.round(start.anon / MiB) },
    peak: {
      rssMiB: Math.round(peak.rss / MiB),
      anonMiB: Math.round(peak.anon / MiB),
      jsHeapMiB: Math.round(peak.heap / MiB),
    },
  };
}

export async function writeMetric(name: string, value: unknown): Promise<void> {
  const { readFile, writeFile } = await import("node:fs/promises");
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, "metrics.json");
  const all = JSON.parse(await readFile(path, "utf8").catch(() => "{}"));
  all[name] = value;
  await writeFile(path, `${JSON.stringify(all, null, 2)}\n`);
}
