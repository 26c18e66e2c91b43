// Start-up cost of the CLI: `--version`, `--help`, and `download` of a missing key
// (a whole command's path: config, cached session, the SDK, one S3 request, the
// not-found answer), run for each CLI in alternation; per command and CLI the
// median, min and max of the wall time and of the CPU seconds (user + sys, from
// /usr/bin/time). In the environment of `bench/run.sh serve`:
//
//   source $BENCH_DIR/env.sh
//   STRONGBOX_BASE_CLI=<other build>/dist/cli/main.js node bench/startup.mjs [ROUNDS=11]
//
// measures $CLI (the one `serve` names) and, when set, STRONGBOX_BASE_CLI.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const rounds = Number(process.argv[2] ?? 11);
const clis = Object.entries({ base: process.env.STRONGBOX_BASE_CLI, cli: process.env.CLI }).filter(
  ([, path]) => path !== undefined && path !== "",
);
if (clis.length === 0 || process.env.STRONGBOX_CONFIG === undefined) {
  console.error("run inside `bench/run.sh serve`'s environment: source $BENCH_DIR/env.sh");
  process.exit(2);
}
const out = join(mkdtempSync(join(tmpdir(), "sb-startup-")), "missing.bin");
const commands = {
  "--version": ["--version"],
  "--help": ["--help"],
  "download <missing key>": ["download", "bench/no-such-key", "--role", "viewer", "--out", out],
};

const runs = new Map();
for (let round = 1; round <= rounds; round++) {
  for (const [name, args] of Object.entries(commands)) {
    for (const [tool, path] of clis) {
      const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", process.execPath, path, ...args], {
        encoding: "utf8",
      });
      const [wall, user, sys] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
      const key = `${name}\t${tool}`;
      runs.set(key, [...(runs.get(key) ?? []), { wall, cpu: user + sys }]);
    }
  }
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.error(`round ${round}/${rounds} (load ${load})`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const cell = (xs) =>
  `${median(xs).toFixed(3)} s (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
console.log(`| command | CLI | wall, median (min–max) | CPU, median (min–max) |`);
console.log(`|---|---|---|---|`);
for (const [key, xs] of runs) {
  const [name, tool] = key.split("\t");
  console.log(
    `| ${name} | ${tool} | ${cell(xs.map((x) => x.wall))} | ${cell(xs.map((x) => x.cpu))} |`,
  );
}
