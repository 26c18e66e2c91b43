import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The page of `strongbox ui`: built into dist/ui/page, served by the local server (src/ui/server). */
export default defineConfig({
  root: fileURLToPath(new URL("./src/ui/page", import.meta.url)),
  base: "/",
  publicDir: false,
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("./dist/ui/page", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // Scripts only from files: the CSP forbids inline code.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
  worker: { format: "es" },
});
