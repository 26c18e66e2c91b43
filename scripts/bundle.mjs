// The `strongbox` binary as users run it: src/cli/main.ts bundled with its
// dependencies into dist/bundle/ (`npm run build` runs this after tsc and vite).
// Node then compiles a handful of files at start-up instead of ~190 (dist/, zod,
// commander, ...). Code splitting keeps every `import()` lazy: each command file,
// and the AWS SDK behind it, is a chunk loaded only when its command runs.
//
// Every file lands in dist/bundle/ itself (no subfolders): code that resolves a
// path from import.meta.url sits two folders below the package root, as in
// src/cli/ and dist/cli/ (src/cli/package-files.ts).
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}dist/bundle`;

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: "src/cli/main.ts" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir,
  chunkNames: "[name]-[hash]",
  // The optional policy simulator (AGPL-3.0) is never shipped: `strongbox access`
  // imports it from node_modules when a user installed it (src/core/access/evaluate.ts).
  // It also reads its data files from its own folder, which a bundle would not keep.
  external: ["@cloud-copilot/iam-simulate"],
  // Stack traces map back to src/ under `node --enable-source-maps` (README).
  sourcemap: "linked",
  // Which sources each output file holds: test/integration/cli-startup.test.ts
  // reads it to check that --help loads no chunk holding the AWS SDK.
  metafile: true,
  // CommonJS dependencies (commander, the SDK's) call require() for Node's own
  // modules; an ES module has none, so each output file makes one.
  banner: {
    js: "import { createRequire as __strongboxRequire } from 'node:module'; const require = __strongboxRequire(import.meta.url);",
  },
  logLevel: "warning",
});
writeFileSync(`${outdir}/meta.json`, JSON.stringify(result.metafile));
