import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Each run's temporary folders live in one folder, removed at the end.
    globalSetup: ["test/support/tmp-root.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Not a speed bar: a few tests evaluate the whole access contract (275 cells)
          // through iam-simulate, which takes several seconds on 2 busy cores.
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
