// Summarises a V8 CPU profile (`node --cpu-prof`) of one Strongbox command: where
// the main thread's time went, by kind of work and by function (self time).
//
//   node bench/profile.mjs FILE.cpuprofile [--title TEXT] [--top N]
//
// Time in native code called from JavaScript (a hash update, a socket write)
// counts for the JavaScript function that called it; a native frame without a
// script counts for its nearest caller that has one.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { title: { type: "string" }, top: { type: "string", default: "15" } },
});
if (positionals.length !== 1) {
  console.error("usage: node bench/profile.mjs FILE.cpuprofile [--title TEXT] [--top N]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0], "utf8"));

/** Kinds of work, first match wins; `url` is the frame's script, `name` its function. */
const KINDS = [
  ["waiting (network, disk, server)", (f) => f.functionName === "(idle)"],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["V8 and Node outside any script", (f) => f.functionName === "(program)"],
  [
    "loading code (start-up)",
    (f) => /^node:internal\/(modules|bootstrap)\//.test(f.url) || /^compile/.test(f.functionName),
  ],
  ["SHA-256 (node:crypto)", (f) => /^node:internal\/crypto\/hash/.test(f.url)],
  ["other node:crypto (signing)", (f) => /^node:internal\/crypto\//.test(f.url)],
  [
    "HTTP and sockets (node:http, node:net)",
    (f) => /^node:(_http_|https|http|net|internal\/(http|net|stream_base_commons))/.test(f.url),
  ],
  ["files (node:fs)", (f) => /^node:(fs|internal\/fs\/)/.test(f.url)],
  ["streams and events (Node)", (f) => /^node:(internal\/streams\/|events|stream)/.test(f.url)],
  ["Strongbox's code", (f) => /\/dist\/bundle\/(?!.*node_modules)/.test(f.url)],
  ["other Node internals", (f) => f.url.startsWith("node:")],
  ["dependencies and the rest", () => true],
];

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);

/** The frame that names a node's kind: itself, or its nearest caller with a script. */
function namedFrame(id) {
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at).callFrame;
    if (frame.url !== "" || frame.functionName.startsWith("(")) return frame;
  }
  return byId.get(id).callFrame;
}

const self = new Map();
const { samples, timeDeltas } = profile;
for (let i = 0; i < samples.length; i++) {
  // A delta is the time before its sample: the time after sample i is delta i + 1.
  const micros = timeDeltas[i + 1] ?? 0;
  self.set(samples[i], (self.get(samples[i]) ?? 0) + micros);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);

const kinds = new Map(KINDS.map(([name]) => [name, 0]));
const functions = new Map();
for (const [id, micros] of self) {
  const frame = namedFrame(id);
  const kind = KINDS.find(([, test]) => test(frame))[0];
  kinds.set(kind, kinds.get(kind) + micros);
  const own = byId.get(id).callFrame;
  const where = own.url === "" ? "native" : `${basename(own.url)}:${own.lineNumber + 1}`;
  const label = `${own.functionName || "(anonymous)"}  ${where}`;
  const entry = functions.get(label) ?? { micros: 0, kind };
  entry.micros += micros;
  functions.set(label, entry);
}

const ms = (micros) => (micros / 1000).toFixed(0).padStart(6);
const pct = (micros) => `${((100 * micros) / total).toFixed(1).padStart(5)} %`;
const lines = [];
if (values.title) lines.push(values.title);
lines.push(
  `main thread, ${(total / 1e6).toFixed(2)} s sampled (${samples.length} samples)`,
  "",
  "    ms   share  kind of work",
);
for (const [name, micros] of [...kinds].sort((a, b) => b[1] - a[1])) {
  if (micros > 0) lines.push(`${ms(micros)} ${pct(micros)}  ${name}`);
}
lines.push("", `    ms   share  top ${values.top} functions, self time`);
const top = [...functions].sort((a, b) => b[1].micros - a[1].micros).slice(0, Number(values.top));
for (const [label, { micros }] of top) lines.push(`${ms(micros)} ${pct(micros)}  ${label}`);
console.log(lines.join("\n"));
