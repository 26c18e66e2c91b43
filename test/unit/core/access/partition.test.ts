import type { SimulateCustomPolicyCommandInput } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import { contractTargetOf } from "../../../../src/core/access/check.js";
import { buildContractWithMonitoring } from "../../../../src/core/access/contract-monitoring.js";
import { readDeployedPolicies } from "../../../../src/core/access/deployed.js";
import { evaluateWithIamSimulator } from "../../../../src/core/access/iam-simulator.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import { testConfig } from "../../../support/config.js";
import { referencePolicies } from "./reference-policies.js";

/*
 * The module builds every ARN with data.aws_partition, so a deployment in
 * aws-us-gov or aws-cn has no `arn:aws:` ARN: the access check must build its
 * ARNs in the partition of the config's own ARNs, or every cell naming one
 * would differ for the wrong reason.
 */

const ACCOUNT = "123456789012";

function configIn(partition: string, region: string) {
  const arn = (service: string, resource: string, inRegion = region) =>
    `arn:${partition}:${service}:${inRegion}:${ACCOUNT}:${resource}`;
  return testConfig({
    region,
    bucket: "sb-data",
    kmsKeyArn: arn("kms", "key/k"),
    roles: {
      uploader: arn("iam", "role/sb-uploader", ""),
      viewer: arn("iam", "role/sb-viewer", ""),
      admin: arn("iam", "role/sb-admin", ""),
    },
    adminMfaRequired: true,
    maxSignatureAgeMs: 600000,
    monitoring: {
      logGroupName: "/sb/trail",
      alarmNames: ["sb-access-denied"],
      queryNames: {},
      trailArn: arn("cloudtrail", "trail/sb"),
      eventRuleName: "sb-activity",
      topicArns: [arn("sns", "sb-alerts")],
      trailLogBucket: "sb-trail-logs",
      monitoringKeyArn: arn("kms", "key/m"),
      keyAdministratorArns: [arn("iam", "user/keys", "")],
    },
  });
}

/** The partition of every ARN anywhere in `value`. */
const partitionsIn = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/arn:([^:"]*):/g)].map((m) => m[1] ?? "");

describe("the access check in another partition", () => {
  for (const [partition, region] of [
    ["aws-us-gov", "us-gov-west-1"],
    ["aws-cn", "cn-north-1"],
  ] as const) {
    it(`builds every ARN of the target and of the cells in ${partition}`, () => {
      const target = contractTargetOf(configIn(partition, region));
      expect(target.partition).toBe(partition);
      expect(target.bucketArn).toBe(`arn:${partition}:s3:::sb-data`);
      expect(target.monitoring?.trailLogBucketArn).toBe(`arn:${partition}:s3:::sb-trail-logs`);
      expect(target.monitoring?.logGroupArn).toBe(
        `arn:${partition}:logs:${region}:${ACCOUNT}:log-group:/sb/trail`,
      );

      const cells = buildContractWithMonitoring(target);
      const sessions = cells.filter((c) => c.principal.includes(":assumed-role/"));
      expect(sessions.length).toBeGreaterThan(0);
      expect(
        sessions.every((c) => c.principal.startsWith(`arn:${partition}:sts::${ACCOUNT}:`)),
      ).toBe(true);
      // The cells that name a resource the config does not: another key, an attached policy.
      const resources = cells.map((c) => c.resource);
      expect(resources).toContain(`arn:${partition}:iam::${ACCOUNT}:policy/attached-to-a-role`);
      const found = partitionsIn([target, cells]);
      expect(found.length).toBeGreaterThan(cells.length);
      expect(new Set(found)).toEqual(new Set([partition]));
    });
  }

  it("refuses a config whose role ARNs name no partition", () => {
    const config = configIn("aws-us-gov", "us-gov-west-1");
    const broken = { ...config, roles: { ...config.roles, admin: "arn:" } };
    expect(() => contractTargetOf(broken)).toThrow(StrongboxError);
  });

  it("reads the trail log bucket's policy back under its ARN in the partition", async () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [] });
    const answer = (command: object): object => {
      switch (command.constructor.name) {
        case "ListRolePoliciesCommand":
          return { PolicyNames: [] };
        case "ListAttachedRolePoliciesCommand":
          return { AttachedPolicies: [] };
        case "GetRoleCommand":
          return { Role: {} };
        default:
          return { Policy: policy };
      }
    };
    // biome-ignore lint/suspicious/noExplicitAny: a fake of every SDK client's send
    const reader = { send: async (command: object): Promise<any> => answer(command) };
    const config = configIn("aws-cn", "cn-north-1");
    const policies = await readDeployedPolicies(
      { iam: reader, s3: reader, kms: reader },
      {
        partition: "aws-cn",
        accountId: ACCOUNT,
        bucketName: config.bucket,
        kmsKeyArn: config.kmsKeyArn,
        roleArns: config.roles,
        trailLogBucket: "sb-trail-logs",
      },
    );
    expect(policies.partition).toBe("aws-cn");
    expect(policies.extraResourcePolicies?.map((p) => p.arn)).toEqual([
      "arn:aws-cn:s3:::sb-trail-logs",
    ]);
  });

  it("names IAM's simulator a stand-in caller and resource owner in the partition", async () => {
    const target = contractTargetOf(configIn("aws-us-gov", "us-gov-west-1"));
    const cell = buildContractWithMonitoring(target).find((c) => c.id === "viewer/s3:GetObject");
    expect(cell).toBeDefined();
    const requests: SimulateCustomPolicyCommandInput[] = [];
    await evaluateWithIamSimulator(
      cell === undefined ? [] : [cell],
      { ...referencePolicies(), partition: "aws-us-gov", accountId: ACCOUNT },
      {
        async simulate(request) {
          requests.push(request);
          return { EvalActionName: "s3:GetObject", EvalDecision: "allowed" };
        },
      },
    );
    expect(requests.map((r) => [r.CallerArn, r.ResourceOwner])).toEqual([
      [
        `arn:aws-us-gov:iam::${ACCOUNT}:user/strongbox-access-check`,
        `arn:aws-us-gov:iam::${ACCOUNT}:root`,
      ],
    ]);
  });
});
