import { describe, expect, it } from "vitest";
import { contractTargetOf, omittedRows, policyNotes } from "../../../../src/core/access/check.js";
import { testConfig } from "../../../support/config.js";
import { referencePolicies } from "./reference-policies.js";

describe("policyNotes", () => {
  it("says when the bucket has no policy, and why on the local stack", () => {
    const base = { bucket: "b", adminMfaRequired: true, forcePathStyle: false };
    const bare = { ...referencePolicies(), bucketPolicy: undefined };
    expect(policyNotes(referencePolicies(), testConfig(base))).toEqual([]);
    const [aws] = policyNotes(bare, testConfig(base));
    expect(aws).toMatch(
      /^the bucket b has no bucket policy, so the cells only it decides .* differ$/,
    );
    const [local] = policyNotes(bare, testConfig({ ...base, endpoint: "http://127.0.0.1:4566" }));
    expect(local).toMatch(/the local stack leaves it unattached/);
  });
});

describe("contractTargetOf", () => {
  it("derives the account from the role ARNs and the audit row from the log group", () => {
    const config = testConfig({
      bucket: "b",
      adminMfaRequired: true,
      forcePathStyle: false,
      monitoring: { logGroupName: "/sb/trail", alarmNames: [], queryNames: {} },
    });
    const target = contractTargetOf(config);
    expect(target.accountId).toBe("123456789012");
    expect(target.bucketArn).toBe("arn:aws:s3:::b");
    expect(target.monitoring?.logGroupArn).toBe(
      "arn:aws:logs:us-east-1:123456789012:log-group:/sb/trail",
    );
    expect(contractTargetOf({ ...config, monitoring: undefined }).monitoring).toBeUndefined();
  });

  it("says which rows a config too old or without monitoring leaves out, and how to fix it", () => {
    const base = { bucket: "b", adminMfaRequired: true, forcePathStyle: false };
    expect(omittedRows(testConfig(base))).toEqual([
      expect.stringMatching(/^the monitoring half .*no trail log group; run `strongbox configure/),
    ]);
    const old = testConfig({
      ...base,
      monitoring: { logGroupName: "/sb/trail", alarmNames: [], queryNames: {} },
    });
    expect(omittedRows(old)).toEqual([
      expect.stringMatching(
        /^trail log files and the keys' guard .*; changes to the trail .*configure/,
      ),
    ]);
    const full = testConfig({
      ...base,
      monitoring: {
        logGroupName: "/sb/trail",
        alarmNames: [],
        queryNames: {},
        trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
        trailLogBucket: "logs",
        monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
      },
    });
    expect(omittedRows(full)).toEqual([]);
  });

  it("names every monitoring resource the config holds, so the command checks the whole contract", () => {
    const config = testConfig({
      bucket: "b",
      adminMfaRequired: true,
      forcePathStyle: false,
      maxSignatureAgeMs: 600000,
      monitoring: {
        logGroupName: "/sb/trail",
        alarmNames: ["sb-access-denied", "sb-failed-uploads"],
        queryNames: {},
        trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
        eventRuleName: "sb-activity",
        topicArns: ["arn:aws:sns:us-east-1:123456789012:sb-alerts"],
        trailLogBucket: "sb-trail-logs",
        monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
        keyAdministratorArns: ["arn:aws:iam::123456789012:user/keys"],
      },
    });
    const target = contractTargetOf(config);
    expect(target.maxSignatureAgeMs).toBe(600000);
    expect(target.monitoring).toEqual({
      logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/sb/trail",
      trailArn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/sb",
      alarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:sb-access-denied",
      eventRuleArn: "arn:aws:events:us-east-1:123456789012:rule/sb-activity",
      topicArns: ["arn:aws:sns:us-east-1:123456789012:sb-alerts"],
      trailLogBucketArn: "arn:aws:s3:::sb-trail-logs",
      monitoringKeyArn: "arn:aws:kms:us-east-1:123456789012:key/m",
      keyAdministratorArns: ["arn:aws:iam::123456789012:user/keys"],
    });
  });
});
