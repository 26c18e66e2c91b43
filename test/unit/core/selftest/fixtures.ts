import type { StrongboxConfig } from "../../../../src/core/config.js";
import type { SelftestEnv } from "../../../../src/core/selftest/env.js";
import type { Transport } from "../../../../src/core/transfer/transport.js";
import { testConfig } from "../../../support/config.js";
import { FakeClock } from "../audit/fakes.js";

/** Shared by the selftest tests: a deployment's config (local emulator) and a run's environment. */
export const selftestConfig: StrongboxConfig = testConfig({
  bucket: "strongbox-local-bucket",
  endpoint: "http://127.0.0.1:4566",
  forcePathStyle: true,
  monitoring: {
    alarmNames: ["strongbox-local-access-denied", "strongbox-local-failed-uploads"],
    queryNames: {},
  },
});

/** A transport that must not be used: the steps under test decide before any request. */
export const noNetwork: Transport = {
  async send() {
    throw new Error("no request expected");
  },
  async close() {},
};

/** A run on the emulator with no session and no network, unless overridden. */
export function selftestEnv(overrides: Partial<SelftestEnv> = {}): SelftestEnv {
  return {
    config: selftestConfig,
    emulator: true,
    sessions: {},
    sessionProblems: {},
    http: noNetwork,
    clock: new FakeClock(),
    runId: "t",
    burst: 3,
    alarmTimeoutMs: 60_000,
    state: {},
    ...overrides,
  };
}
