import { describe, expect, it } from "vitest";
import {
  accountOf,
  arnOf,
  mfaDeviceArnLike,
  PARTITION_PATTERN,
  partitionOf,
} from "../../../src/core/arn.js";
import { StrongboxError } from "../../../src/core/errors.js";

describe("partitionOf", () => {
  it("reads the partition an ARN is in", () => {
    expect(partitionOf("arn:aws:iam::123456789012:role/a")).toBe("aws");
    expect(partitionOf("arn:aws-cn:kms:cn-north-1:123456789012:key/k")).toBe("aws-cn");
    expect(partitionOf("arn:aws-us-gov:iam::123456789012:role/a")).toBe("aws-us-gov");
    expect(partitionOf("arn:aws-iso-b:s3:::b")).toBe("aws-iso-b");
  });

  it("refuses what is not an ARN instead of assuming `aws`", () => {
    for (const notArn of [
      "arn:",
      "arn::iam::123456789012:role/a",
      "arn:gcp:iam::123456789012:role/a",
      "arn:aws-us-gov:iam",
      "urn:aws:iam::123456789012:role/a",
      "123456789012",
    ]) {
      expect(() => partitionOf(notArn), notArn).toThrow(StrongboxError);
    }
    expect(() => partitionOf("arn:")).toThrow(/arn: is not an ARN/);
  });
});

describe("arnOf", () => {
  it("writes the six fields, leaving region and account empty where told", () => {
    expect(arnOf("aws-cn", "s3", "", "", "logs")).toBe("arn:aws-cn:s3:::logs");
    expect(arnOf("aws-us-gov", "iam", "", "123456789012", "root")).toBe(
      "arn:aws-us-gov:iam::123456789012:root",
    );
    expect(arnOf("aws", "logs", "eu-west-1", "123456789012", "log-group:/sb")).toBe(
      "arn:aws:logs:eu-west-1:123456789012:log-group:/sb",
    );
  });

  it("builds what partitionOf reads back", () => {
    const arn = arnOf("aws-us-gov", "kms", "us-gov-west-1", "123456789012", "key/k");
    expect(partitionOf(arn)).toBe("aws-us-gov");
    expect(new RegExp(`^arn:${PARTITION_PATTERN}:kms:`).test(arn)).toBe(true);
  });
});

describe("accountOf", () => {
  it("reads the account field, empty where the ARN has none", () => {
    expect(accountOf("arn:aws-cn:iam::123456789012:role/a")).toBe("123456789012");
    expect(accountOf("arn:aws:s3:::bucket")).toBe("");
  });

  it("refuses what is not an ARN", () => {
    expect(() => accountOf("123456789012")).toThrow(StrongboxError);
  });
});

describe("mfaDeviceArnLike", () => {
  it("names the device in the caller's partition and account", () => {
    expect(mfaDeviceArnLike("arn:aws-us-gov:iam::123456789012:user/ann", "NAME")).toBe(
      "arn:aws-us-gov:iam::123456789012:mfa/NAME",
    );
    expect(mfaDeviceArnLike("arn:aws:sts::210987654321:assumed-role/sso/ann", "NAME")).toBe(
      "arn:aws:iam::210987654321:mfa/NAME",
    );
  });

  it("falls back to placeholders for a caller that is not an ARN (the hint is on an error path)", () => {
    expect(mfaDeviceArnLike("", "NAME")).toBe("arn:aws:iam::ACCOUNT:mfa/NAME");
    expect(mfaDeviceArnLike("arn:gcp:iam::x:user/a", "NAME")).toBe("arn:aws:iam::ACCOUNT:mfa/NAME");
  });
});
