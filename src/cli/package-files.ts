import { fileURLToPath } from "node:url";

/**
 * The package's root, two folders above this module wherever it runs: src/cli/
 * (tests on the sources), dist/cli/ (tsc's output) and dist/bundle/ (the binary:
 * scripts/bundle.mjs writes every chunk into that one folder). Files of the
 * package are found from here, not from each module's own folder, which a bundle
 * does not keep.
 */
const ROOT = new URL("../../", import.meta.url);

/** The package's package.json (its version). */
export const PACKAGE_JSON = new URL("package.json", ROOT);

/** The built page of `strongbox ui` (vite.config.ts builds it into dist/ui/page). */
export const PAGE_DIR = fileURLToPath(new URL("dist/ui/page/", ROOT));
