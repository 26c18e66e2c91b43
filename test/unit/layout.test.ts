import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Unit tests mirror the source tree: test/unit/<path> tests src/<path>. The one
 * exception is fuzz/, whose property and hostile-input tables cross modules.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CROSS_CUTTING = new Set(["fuzz"]);

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return [path, ...folders(path)];
    });
}

describe("test/unit layout", () => {
  it("has a folder only where src/ has the same folder", () => {
    const unit = join(root, "test/unit");
    const src = new Set(
      folders(join(root, "src")).map((path) => relative(join(root, "src"), path)),
    );
    const strays = folders(unit)
      .map((path) => relative(unit, path))
      .filter((path) => !CROSS_CUTTING.has(path.split("/")[0] ?? "") && !src.has(path));
    expect(strays).toEqual([]);
  });
});
