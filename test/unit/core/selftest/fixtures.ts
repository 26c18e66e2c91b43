import type { StrongboxConfig } from "../../../../src/core/config.js";
import type { SelftestEnv } from "../../../../src/core/selftest/env.js";
import type { Transport } from "../../../../src/core/transfer/transport.js";
import { FakeClock } from "../audit/fakes.js";

/** Shared by the selftest tests: a deployment's config (local emulator) and a run's environment. */
export const selftestConfig: StrongboxConfig = {
  version: 1,
  region: "us-east-1",
  bucket: "strongbox-local-bucket",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  roles: {
    uploader: "arn:aws:iam::123456789012:role/u",
    viewer: "arn:aws:iam::123456789012:role/v",
    admin: "arn:aws:iam::123456789012:role/a",
  },
  adminMfaRequired: false,
  maxSessionSeconds: 3600,
  endpoint: "http://127.0.0.1:4566",
  forcePathStyle: true,
  monitoring: {
    alarmNames: ["strongbox-local-access-denied", "strongbox-local-failed-uploads"],
    queryNames: {},
  },
};

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
