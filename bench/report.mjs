#!/usr/bin/env node
// Turns bench/run.sh's raw runs into results, never by hand:
//   node bench/report.mjs run WORKDIR RESULTS.json README.md   medians, spread, ratios, bars →
//                                                              RESULTS.json + the README table
//   node bench/report.mjs sweep SWEEP.jsonl BEST.json           best settings per tool
//   node bench/report.mjs table RESULTS.json README.md          regenerate the table only
import { readFileSync, writeFileSync } from "node:fs";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const PEERS = ["aws", "s5cmd", "rclone"];
const TOOL_NAMES = {
  strongbox: "Strongbox",
  base: "Strongbox (base build)",
  aws: "aws s3 cp",
  s5cmd: "s5cmd",
  rclone: "rclone",
};
const SCENARIO_NAMES = { large: "large file", mid: "mid file", small: "small files" };
const [mode, ...args] = process.argv.slice(2);

const readLines = (path) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 2) => (x === null ? null : Number(x.toFixed(digits)));

function groupBy(rows, key) {
  const out = new Map();
  for (const r of rows) {
    const k = key(r);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(r);
  }
  return out;
}

function cellOf(rows) {
  const ok = rows.filter((r) => r.ok);
  if (ok.length === 0) return { runs: rows.length, failed: rows.length };
  const bytes = ok[0].bytes;
  const wall = median(ok.map((r) => r.wall));
  return {
    runs: rows.length,
    failed: rows.length - ok.length,
    bytes,
    wallSeconds: round(wall, 3),
    wallMin: round(Math.min(...ok.map((r) => r.wall)), 3),
    wallMax: round(Math.max(...ok.map((r) => r.wall)), 3),
    MiBps: round(bytes / MiB / wall, 1),
    cpuSecondsPerGiB: round(median(ok.map((r) => (r.user + r.sys) / (bytes / GiB))), 2),
    peakRssMiB: round(median(ok.map((r) => r.rssKiB / 1024)), 1),
    peakRssMaxMiB: round(Math.max(...ok.map((r) => r.rssKiB / 1024)), 1),
    // Downloads: the wall time plus the `sync` after the run (runs recorded before it have none).
    ...(ok.every((r) => typeof r.syncAfter === "number")
      ? { onDiskSeconds: round(median(ok.map((r) => r.wall + r.syncAfter)), 3) }
      : {}),
    // MinIO's CPU, and how busy both processes kept the cores (runs recorded before: none).
    ...(ok.every((r) => typeof r.serverCpu === "number") && {
      serverCpuSeconds: round(median(ok.map((r) => r.serverCpu))),
      coresBusy: round(median(ok.map((r) => (r.user + r.sys + r.serverCpu) / r.wall))),
    }),
    bytesChecked: ok.every((r) => r.bytesChecked !== false),
    load: round(median(ok.map((r) => r.load)), 2),
    settings: { concurrency: ok[0].concurrency || "default", partMiB: ok[0].partMiB || "default" },
  };
}

function sweep(sweepPath, bestPath) {
  const rows = readLines(sweepPath).filter((r) => r.ok);
  let best = {};
  try {
    best = JSON.parse(readFileSync(bestPath, "utf8"));
  } catch {}
  const cls = (s) => (s === "small" ? "small" : "large");
  for (const [k, group] of groupBy(rows, (r) => `${r.tool}|${cls(r.scenario)}|${r.direction}`)) {
    const [tool, klass, direction] = k.split("|");
    const fastest = group.reduce((a, b) => (b.wall < a.wall ? b : a));
    best[tool] ??= {};
    best[tool][klass] ??= {};
    best[tool][klass][direction] = {
      ...(fastest.concurrency ? { concurrency: Number(fastest.concurrency) } : {}),
      ...(fastest.partMiB ? { partMiB: Number(fastest.partMiB) } : {}),
      seconds: fastest.wall,
      of: group.map((r) => `c${r.concurrency || "-"}/p${r.partMiB || "-"}=${r.wall}s`).join(" "),
    };
  }
  writeFileSync(bestPath, `${JSON.stringify(best, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(best, null, 2)}\n`);
}

/** WORKDIR, or several joined by commas (runs of different scenarios, e.g. the large file apart). */
function run(workdirs, resultsPath, readmePath) {
  const works = workdirs.split(",");
  const metas = works.map((work) => Object.assign({}, ...readLines(`${work}/meta.json`)));
  const micro = JSON.parse(readFileSync(`${works[0]}/micro.json`, "utf8"));
  const rows = works.flatMap((work) => readLines(`${work}/runs.jsonl`));
  const meta = {
    ...metas[0],
    // Rounds actually completed (every tool of the last one); a run may be stopped early.
    rounds: Math.min(
      ...[
        ...groupBy(rows, (r) => `${r.scenario}|${r.direction}|${r.variant}|${r.tool}`).values(),
      ].map((g) => g.length),
    ),
    roundsPlanned: metas[0].rounds,
    runs: metas.map((m, i) => ({
      rounds: Math.max(...readLines(`${works[i]}/runs.jsonl`).map((r) => r.round)),
      scenarios: [...new Set(readLines(`${works[i]}/runs.jsonl`).map((r) => r.scenario))],
      started: m.started,
      loadStart: m.loadStart,
      load: m.load,
      strongbox: m.versions?.strongbox,
    })),
  };
  const cells = {};
  for (const [k, group] of groupBy(
    rows,
    (r) => `${r.scenario}|${r.direction}|${r.variant}|${r.tool}`,
  )) {
    const [scenario, direction, variant, tool] = k.split("|");
    cells[scenario] ??= {};
    cells[scenario][direction] ??= {};
    cells[scenario][direction][variant] ??= {};
    cells[scenario][direction][variant][tool] = cellOf(group);
  }
  const ratios = {};
  const ceilings = {};
  for (const [scenario, byDir] of Object.entries(cells)) {
    for (const [direction, byVariant] of Object.entries(byDir)) {
      const key = `${scenario} ${direction}`;
      ratios[key] = {};
      for (const [variant, byTool] of Object.entries(byVariant)) {
        const ours = byTool.strongbox?.MiBps;
        ratios[key][variant] = {};
        for (const peer of PEERS) {
          const theirs = byTool[peer]?.MiBps;
          if (ours && theirs) ratios[key][variant][peer] = round(ours / theirs, 2);
        }
      }
      // The ceiling: the fastest peer at its best settings on this server.
      const best = byVariant.best ?? byVariant.defaults ?? {};
      const peer = PEERS.filter((p) => best[p]?.MiBps).sort(
        (a, b) => best[b].MiBps - best[a].MiBps,
      )[0];
      const oursBest = Math.max(
        byVariant.best?.strongbox?.MiBps ?? 0,
        byVariant.defaults?.strongbox?.MiBps ?? 0,
      );
      if (peer) {
        ceilings[key] = {
          tool: peer,
          MiBps: best[peer].MiBps,
          strongboxShare: round(oursBest / best[peer].MiBps, 2),
        };
      }
    }
  }
  const bars = evaluateBars(cells, ratios, ceilings, micro);
  const results = {
    ...meta,
    micro,
    cells,
    ratios,
    ceilings,
    bars,
    note: "Medians of the rounds; ratios are throughput, Strongbox ÷ peer (> 1: Strongbox faster).",
  };
  writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  if (readmePath) writeTable(results, readmePath);
  process.stdout.write(`${renderTable(results)}\n`);
}

function evaluateBars(cells, ratios, ceilings, micro) {
  const bars = [];
  const bar = (name, value, need) =>
    bars.push({
      bar: name,
      value,
      need,
      met: value !== undefined && value !== null && value >= need,
    });
  for (const scenario of ["large", "small"]) {
    for (const direction of ["up", "down"]) {
      const r = ratios[`${scenario} ${direction}`]?.defaults ?? {};
      const needAws = scenario === "large" ? 1.5 : 2;
      const needS5 = scenario === "large" ? 1.1 : 1.0;
      bar(`${scenario} ${direction}: ÷ aws s3 cp (defaults)`, r.aws, needAws);
      bar(`${scenario} ${direction}: ÷ s5cmd (defaults)`, r.s5cmd, needS5);
    }
  }
  for (const direction of ["up", "down"]) {
    bar(
      `large ${direction}: share of the ceiling`,
      ceilings[`large ${direction}`]?.strongboxShare,
      0.8,
    );
  }
  for (const direction of ["up", "down"]) {
    const rss = cells.large?.[direction]?.defaults?.strongbox?.peakRssMaxMiB;
    bars.push({
      bar: `large ${direction}: peak RSS MiB (defaults, worst round)`,
      value: rss,
      need: "≤ 100",
      met: rss !== undefined && rss <= 100,
    });
  }
  // One core's rate: URLs per CPU-second of the signing thread (the wall rate is also
  // reported; on a shared machine it measures the other tenants as much as the signer).
  bar(
    "pre-signed URLs per second, one core (per CPU-second)",
    micro.presign?.urlsPerCpuSecond,
    10000,
  );
  return bars;
}

const fmt = (c) =>
  c?.MiBps === undefined
    ? "—"
    : `${c.wallSeconds} s (${c.wallMin}–${c.wallMax}), ${c.MiBps} MiB/s, ${c.cpuSecondsPerGiB} CPU-s/GiB, ` +
      `${Math.round(c.peakRssMiB)} MiB (${Math.round(c.peakRssMaxMiB)})`;

function renderTable(results) {
  const { cells, ratios, ceilings, bars, machine, versions, micro } = results;
  const out = [];
  out.push(
    `Measured ${results.started?.slice(0, 16).replace("T", " ")} UTC by \`bench/run.sh\` on ${machine?.cores} cores (${machine?.cpu}), ` +
      `disk read ${machine?.diskRead} (O_DIRECT), MinIO ${versions?.minio} on the same machine` +
      `${results.latencyMs > 0 ? ` behind ${results.latencyMs} ms each way (toxiproxy)` : ""}; ` +
      `node ${versions?.node}, ${versions?.aws}, s5cmd ${versions?.s5cmd}, rclone ${versions?.rclone}; ` +
      `${results.rounds} rounds (of ${results.roundsPlanned} planned) in alternation, medians; ` +
      `runs: ${(results.runs ?? []).map((r) => `${r.scenarios?.join(" + ")} ${r.rounds} rounds from ${r.started?.slice(11, 16)} UTC at ${r.strongbox}, load average ${r.loadStart} → ${r.load ?? "?"}`).join("; ")}. ` +
      "Each cell: wall time (median, then the fastest and slowest round), throughput, CPU seconds per GiB (client only), peak RSS (median, then the worst round).",
  );
  for (const variant of ["defaults", "best"]) {
    out.push(
      "",
      `**${variant === "defaults" ? "Default settings" : "Best settings (from `bench/run.sh sweep`)"}**`,
      "",
    );
    out.push(
      `| scenario | ${["strongbox", ...PEERS].map((t) => TOOL_NAMES[t]).join(" | ")} | ÷ aws | ÷ s5cmd |`,
    );
    out.push(`|---|${"---|".repeat(PEERS.length + 3)}`);
    for (const scenario of ["large", "mid", "small"]) {
      for (const direction of ["up", "down"]) {
        const byTool = cells[scenario]?.[direction]?.[variant];
        if (!byTool) continue;
        const r = ratios[`${scenario} ${direction}`]?.[variant] ?? {};
        const size = byTool.strongbox?.bytes ?? byTool.aws?.bytes;
        const label =
          scenario === "small"
            ? `${SCENARIO_NAMES[scenario]} ${direction} (${Math.round(size / MiB)} MiB)`
            : `${Math.round(size / MiB)} MiB ${direction}`;
        out.push(
          `| ${label} | ${["strongbox", ...PEERS].map((t) => fmt(byTool[t])).join(" | ")} | ${r.aws ?? "—"} | ${r.s5cmd ?? "—"} |`,
        );
      }
    }
  }
  const onDisk = ["large", "mid", "small"].flatMap((scenario) => {
    const byTool = cells[scenario]?.down?.defaults;
    const tools = ["strongbox", ...PEERS].filter((t) => byTool?.[t]?.onDiskSeconds !== undefined);
    if (tools.length === 0) return [];
    const size = byTool[tools[0]].bytes;
    const label =
      scenario === "small" ? `${SCENARIO_NAMES[scenario]}` : `${Math.round(size / MiB)} MiB`;
    return [
      `- ${label}: ${tools.map((t) => `${TOOL_NAMES[t]} ${byTool[t].onDiskSeconds} s`).join(", ")}`,
    ];
  });
  if (onDisk.length > 0) {
    out.push(
      "",
      "**Downloads until the bytes are on disk** (default settings, medians of the wall time plus the `sync` run after each download; Strongbox syncs its files before it exits, the peers leave the write-back to the kernel):",
      "",
      ...onDisk,
    );
  }
  out.push("", "**Ceiling** (fastest peer at its best settings) and **bars** (issue 14):", "");
  for (const [k, c] of Object.entries(ceilings)) {
    out.push(
      `- ${k}: ceiling ${c.MiBps} MiB/s (${TOOL_NAMES[c.tool]}); Strongbox at ${Math.round(c.strongboxShare * 100)} %`,
    );
  }
  out.push(`- the disk's raw read speed (O_DIRECT): ${machine?.diskRead}`);
  out.push(
    `- pre-signing: ${micro.presign?.urlsPerCpuSecond} URLs per CPU-second, ${micro.presign?.urlsPerSecond} per wall-second (one thread, ${micro.presign?.urls} URLs)`,
  );

  for (const b of bars)
    out.push(
      `- ${b.met ? "met" : "**missed**"}: ${b.bar} = ${b.value ?? "—"} (needs ${typeof b.need === "number" ? `≥ ${b.need}` : b.need})`,
    );
  out.push("", "Checksum cost in Node (one core, CPU seconds per GiB):", "");
  out.push(
    Object.entries(micro.checksums)
      .map(([name, v]) => `${name}: ${v.cpuSecondsPerGiB}`)
      .join(" · "),
  );
  return out.join("\n");
}

function writeTable(results, readmePath) {
  const start = "<!-- bench:results:start (generated by bench/report.mjs; do not edit) -->";
  const end = "<!-- bench:results:end -->";
  const text = readFileSync(readmePath, "utf8");
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${readmePath} has no ${start} … ${end} block`);
  writeFileSync(
    readmePath,
    `${text.slice(0, i + start.length)}\n${renderTable(results)}\n${text.slice(j)}`,
  );
}

/** A quick run's cells on stdout (REPORT=0): nothing written, for comparing builds by hand. */
function summary(runsPath) {
  const cells = groupBy(readLines(runsPath), (r) =>
    [r.tool, r.variant, r.scenario, r.direction].join(" "),
  );
  for (const [name, rows] of cells) {
    const c = cellOf(rows);
    process.stdout.write(
      `${name.padEnd(32)} median ${c.wallSeconds} s [${c.wallMin}–${c.wallMax}]  ${c.MiBps} MiB/s  ` +
        `${c.cpuSecondsPerGiB} CPU-s/GiB  RSS ${c.peakRssMiB} MiB  load ${c.load}  ` +
        (c.coresBusy ? `server ${c.serverCpuSeconds} CPU-s  cores busy ${c.coresBusy}  ` : "") +
        `${c.failed ? `FAILED ${c.failed}` : "ok"}\n`,
    );
  }
}

if (mode === "sweep") sweep(args[0], args[1]);
else if (mode === "summary") summary(args[0]);
else if (mode === "run") run(args[0], args[1], args[2]);
else if (mode === "table") writeTable(JSON.parse(readFileSync(args[0], "utf8")), args[1]);
else {
  process.stderr.write(
    "usage: report.mjs run WORKDIR RESULTS README | sweep SWEEP BEST | table RESULTS README | summary RUNS\n",
  );
  process.exit(2);
}
