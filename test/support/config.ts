import type { StrongboxConfig } from "../../src/core/config.js";

/** A valid config for tests (account 123456789012, roles u / v / a), with the fields a test cares about. */
export function testConfig(fields: Partial<StrongboxConfig> = {}): StrongboxConfig {
  return {
    version: 1,
    region: "us-east-1",
    bucket: "strongbox-test",
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
    roles: {
      uploader: "arn:aws:iam::123456789012:role/u",
      viewer: "arn:aws:iam::123456789012:role/v",
      admin: "arn:aws:iam::123456789012:role/a",
    },
    adminMfaRequired: false,
    maxSessionSeconds: 3600,
    forcePathStyle: false,
    ...fields,
  };
}
