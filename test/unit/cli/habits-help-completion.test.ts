import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../../src/cli/main.js";
import { COMMAND_NAMES, liveIO as io } from "./cli-fixtures.js";

/**
 * Issue 12 habits 6 and 8, help and completion: every command's --help, the
 * top-level help and --version, commander's errors, the shell completion
 * scripts, and the README's command section matching the help.
 */
// These run the whole CLI in-process (first import): on a loaded 2-core machine
// the 5 s default is not a bound on anything they assert.
vi.setConfig({ testTimeout: 120_000 });

describe("6. help that teaches", () => {
  it.each(COMMAND_NAMES)("%s --help: examples and the global options", async (command) => {
    const f = io();
    expect(await main([command, "--help"], f.io)).toBe(0);
    const help = f.stdout();
    expect(help).toMatch(/Examples:\n {2}\$ strongbox .*\n {2}\$ /);
    expect(help).toMatch(/Global Options:[\s\S]*--json[\s\S]*--config/);
  });

  it("top-level help lists exit codes and environment variables; --version is package.json's", async () => {
    const f = io();
    expect(await main(["--help"], f.io)).toBe(0);
    expect(f.stdout()).toMatch(/Exit codes:\n {2}0 {4}ok[\s\S]*130 {2}interrupted/);
    expect(f.stdout()).toMatch(/Environment:[\s\S]*STRONGBOX_ROLE/);
    const v = io();
    expect(await main(["--version"], v.io)).toBe(0);
    const pkg = JSON.parse(
      await readFile(new URL("../../../package.json", import.meta.url), "utf8"),
    );
    expect(v.stdout()).toBe(`${pkg.version}\n`);
  });

  it("commander's own errors come in the one style: strongbox: … then hint: …", async () => {
    const f = io();
    expect(await main(["ls", "--bogus"], f.io)).toBe(2);
    expect(f.stderr()).toBe(
      "strongbox: unknown option '--bogus'\nhint: see `strongbox ls --help`\n",
    );
  });
});

describe("8. completion", () => {
  it.each(["bash", "zsh", "fish"])(
    "completion %s names every command; the script parses",
    async (shell) => {
      const f = io();
      expect(await main(["completion", shell], f.io)).toBe(0);
      const script = f.stdout();
      for (const command of ["upload", "download", "rm", "exec", "completion"])
        expect(script).toContain(command);
      expect(script).toMatch(/(--|-l )role/);
      const checker = spawnSync(shell, ["-n"], { input: script, encoding: "utf8" });
      if (checker.error === undefined) expect(checker.status, checker.stderr).toBe(0);
      else expect(shell).not.toBe("bash"); // bash is always here; zsh and fish may not be
    },
  );
});

describe("README: its command section is the help's", () => {
  it.each(COMMAND_NAMES)("every example of %s --help is in the README", async (command) => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const f = io();
    expect(await main([command, "--help"], f.io)).toBe(0);
    const shown = (f.stdout().split("\nExamples:\n")[1] ?? "")
      .split("\n")
      .filter((line) => line.startsWith("  $ "))
      .map((line) => line.slice("  $ ".length));
    expect(shown.length).toBeGreaterThanOrEqual(2);
    for (const example of shown) expect(readme).toContain(example);
  });
});
