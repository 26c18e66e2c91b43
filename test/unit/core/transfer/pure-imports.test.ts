import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/*
 * The pure parts of the engine (part planning, retry policy, limiter, resume
 * decisions, the clock type) import nothing from Node, directly or through what
 * they import, so the web page can share them. Type-only imports vanish at
 * build time and are not followed.
 */

const src = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../src");
const PURE = [
  "core/transfer/part-plan.ts",
  "core/transfer/retry-policy.ts",
  "core/transfer/limiter.ts",
  "core/transfer/resume.ts",
  "core/clock.ts",
];
const builtins = new Set(builtinModules);

/** Specifiers of the imports and re-exports that stay in the built code. */
function valueImports(text: string): string[] {
  const found: string[] = [];
  const statement = /(?:^|\n)\s*(import|export)\s+([^"';]*?)\s*from\s*["']([^"']+)["']/g;
  for (const m of text.matchAll(statement)) {
    const clause = (m[2] ?? "").trim();
    if (/^type\b/.test(clause)) continue;
    const names = /^\{([\s\S]*)\}$/.exec(clause)?.[1];
    if (names?.split(",").every((n) => /^\s*(type\s|$)/.test(n))) continue;
    found.push(m[3] ?? "");
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*["']([^"']+)["']/g)) found.push(m[1] ?? "");
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) found.push(m[1] ?? "");
  return found;
}

/** Every Node module `file` reaches through its value imports, with the path that reaches it. */
function nodeImports(file: string, seen = new Set<string>(), via: string[] = []): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(join(src, file), "utf8");
  const out: string[] = [];
  for (const spec of valueImports(text)) {
    const chain = [...via, file];
    if (spec.startsWith("node:") || builtins.has(spec.split("/")[0] ?? "")) {
      out.push(`${chain.join(" → ")} → ${spec}`);
    } else if (spec.startsWith(".")) {
      const next = join(dirname(file), spec).replace(/\.js$/, ".ts");
      out.push(...nodeImports(next, seen, chain));
    }
  }
  return out;
}

describe("the pure transfer parts", () => {
  for (const file of PURE) {
    it(`${file} reaches no Node module`, () => {
      expect(nodeImports(file)).toEqual([]);
    });
  }

  it("the check sees value imports and skips type-only ones", () => {
    const text = [
      'import { readFile } from "node:fs/promises";',
      'import type { Stats } from "node:fs";',
      'import { type Dirent } from "node:fs";',
      'import { createHash, type Hash } from "crypto";',
      'export { sep } from "node:path";',
      'import "node:process";',
    ].join("\n");
    expect(valueImports(text)).toEqual(["node:fs/promises", "crypto", "node:path", "node:process"]);
  });
});
