import { defineConfig } from "vitest/config";

/**
 * Integration tests that bring their own MinIO (and toxiproxy) and never touch
 * the moto stack: `npm test` runs them beside the stack's tests, as a project
 * of their own.
 */
const MINIO_LANE = [
  "test/integration/minio-strict-accepted.test.ts",
  "test/integration/minio-strict-refused.test.ts",
  "test/integration/minio-strict-roles.test.ts",
  "test/integration/minio-strict-engine.test.ts",
  "test/integration/fault-table-wire.test.ts",
  "test/integration/fault-table-budget.test.ts",
  "test/integration/fault-table-complete.test.ts",
  "test/integration/fault-table-clients.test.ts",
  "test/integration/fault-time.test.ts",
  "test/integration/lock-takeover.test.ts",
];

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
          exclude: MINIO_LANE,
          testTimeout: 600_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "integration-minio",
          include: MINIO_LANE,
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
