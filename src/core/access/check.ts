import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { accountOf, arnOf, bucketArnOf, partitionOf } from "../arn.js";
import { mapAwsError } from "../aws-errors.js";
import { baseClientConfig, type Credentials, createS3Client } from "../clients.js";
import type { StrongboxConfig } from "../config.js";
import { StrongboxError } from "../errors.js";
import { buildContractWithMonitoring } from "./contract-monitoring.js";
import type { ContractTarget } from "./contract-types.js";
import { readDeployedPolicies } from "./deployed.js";
import { type AccessPolicies, evaluateContract } from "./evaluate.js";
import { AWS_ENGINE_CAVEAT, evaluateWithIamSimulator, iamSimulatorOf } from "./iam-simulator.js";
import { type AccessReport, buildAccessReport, fromLocalEngine } from "./report.js";

/**
 * `strongbox access` as one call: read the deployed policies back, evaluate
 * the contract with the chosen engine (IAM's simulator in a real account, the
 * local one against an emulator or as a fallback), fold it into the table.
 */

export type EngineChoice = "auto" | "aws" | "local";

export interface AccessCheckInput {
  config: StrongboxConfig;
  /** Credentials that may read the roles', bucket's and key's policies (the Admin session). */
  credentials: Credentials;
  engine: EngineChoice;
  signal?: AbortSignal;
}

/** The contract's target, from the config `strongbox configure` wrote. */
export function contractTargetOf(config: StrongboxConfig): ContractTarget {
  const partition = partitionOf(config.roles.admin);
  const accountId = accountOf(config.roles.admin);
  const m = config.monitoring;
  const arn = (service: string, resource: string) =>
    arnOf(partition, service, config.region, accountId, resource);
  const firstAlarm = m?.alarmNames[0];
  return {
    partition,
    accountId,
    region: config.region,
    bucketArn: bucketArnOf(partition, config.bucket),
    kmsKeyArn: config.kmsKeyArn,
    roleArns: config.roles,
    maxSignatureAgeMs: config.maxSignatureAgeMs,
    uploaderCanOverwrite: config.uploaderCanOverwrite,
    adminMfaMaxAgeSeconds: config.adminMfaMaxAgeSeconds,
    monitoring:
      m?.logGroupName === undefined
        ? undefined
        : {
            logGroupArn: arn("logs", `log-group:${m.logGroupName}`),
            trailArn: m.trailArn,
            alarmArn:
              firstAlarm === undefined ? undefined : arn("cloudwatch", `alarm:${firstAlarm}`),
            eventRuleArn:
              m.eventRuleName === undefined ? undefined : arn("events", `rule/${m.eventRuleName}`),
            topicArns: m.topicArns,
            trailLogBucketArn:
              m.trailLogBucket === undefined ? undefined : bucketArnOf(partition, m.trailLogBucket),
            monitoringKeyArn: m.monitoringKeyArn,
            keyAdministratorArns: m.keyAdministratorArns,
          },
  };
}

/** What the config does not name, so the check leaves out (and how to name it). */
export function omittedRows(config: StrongboxConfig): string[] {
  const again = "run `strongbox configure --from-terraform` again";
  const m = config.monitoring;
  if (m?.logGroupName === undefined) {
    return [
      `the monitoring half (audit, trail log files, keys, monitoring changes): the config names no trail log group; ${again} if the deployment has one`,
    ];
  }
  const missing = [
    ...(m.trailLogBucket === undefined || m.monitoringKeyArn === undefined
      ? [
          "trail log files and the keys' guard (the config names no trail log bucket or monitoring key)",
        ]
      : []),
    ...(m.trailArn === undefined ? ["changes to the trail (the config names no trail ARN)"] : []),
  ];
  return missing.length === 0 ? [] : [`${missing.join("; ")}: ${again}`];
}

/** What the policies read back say about the results. */
export function policyNotes(policies: AccessPolicies, config: StrongboxConfig): string[] {
  if (policies.bucketPolicy !== undefined) return [];
  return [
    `the bucket ${config.bucket} has no bucket policy, so the cells only it decides (plain HTTP, SigV2, other keys, SSE-C, archive classes, stale MFA, old signatures) differ` +
      (config.endpoint === undefined
        ? ""
        : "; the local stack leaves it unattached (the emulator would refuse every object request under it), and `npm test` proves Terraform's rendered policy"),
  ];
}

function isAccessDenied(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? "";
  return /AccessDenied|UnauthorizedOperation|Forbidden/.test(name);
}

function readFailure(err: unknown): StrongboxError {
  if (err instanceof StrongboxError) return err;
  if (isAccessDenied(err)) {
    return new StrongboxError(
      "access-denied",
      "access denied while reading the deployed policies (IAM role policies, bucket policy, key policy)",
      {
        hint: "the Admin role gets these reads from the module (access-check.tf: iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion, s3:GetBucketPolicy, kms:GetKeyPolicy); a deployment applied before them needs `terraform apply`",
        cause: err,
      },
    );
  }
  return mapAwsError(err, { action: "ReadAudit", role: "admin" });
}

/** Reads the policies back, evaluates the contract with the chosen engine, folds it into the table. */
export async function checkAccess(input: AccessCheckInput): Promise<AccessReport> {
  const { config, credentials } = input;
  const target = contractTargetOf(config);
  const cells = buildContractWithMonitoring(target);
  const omitted = omittedRows(config);
  const iam = new IAMClient(baseClientConfig(config, credentials));
  let policies: AccessPolicies;
  try {
    policies = await readDeployedPolicies(
      {
        iam,
        s3: createS3Client(config, credentials),
        kms: new KMSClient(baseClientConfig(config, credentials)),
      },
      {
        partition: target.partition,
        accountId: target.accountId,
        bucketName: config.bucket,
        kmsKeyArn: config.kmsKeyArn,
        roleArns: config.roles,
        trailLogBucket: config.monitoring?.trailLogBucket,
        monitoringKeyArn: config.monitoring?.monitoringKeyArn,
      },
    );
  } catch (err) {
    throw readFailure(err);
  }

  const notes = policyNotes(policies, config);
  const wantAws =
    input.engine === "aws" || (input.engine === "auto" && config.endpoint === undefined);
  if (wantAws) {
    try {
      const results = await evaluateWithIamSimulator(
        cells,
        policies,
        iamSimulatorOf(iam, input.signal),
      );
      return buildAccessReport(results, "aws-iam-simulator", AWS_ENGINE_CAVEAT, omitted, notes);
    } catch (err) {
      if (input.engine === "aws" || !isAccessDenied(err)) {
        throw isAccessDenied(err)
          ? new StrongboxError(
              "access-denied",
              "IAM's policy simulator refused the request (iam:SimulateCustomPolicy)",
              {
                hint: "the module grants the Admin role iam:SimulateCustomPolicy (access-check.tf; a deployment applied before it needs `terraform apply`), or use --engine local",
                cause: err,
              },
            )
          : readFailure(err);
      }
      const results = fromLocalEngine(await evaluateContract(cells, policies));
      return buildAccessReport(
        results,
        "iam-simulate",
        "IAM's policy simulator refused the request (iam:SimulateCustomPolicy denied), so the local engine answered",
        omitted,
        notes,
      );
    }
  }
  const results = fromLocalEngine(await evaluateContract(cells, policies));
  return buildAccessReport(
    results,
    "iam-simulate",
    config.endpoint === undefined
      ? undefined
      : `the emulator at ${config.endpoint} has no IAM policy simulator`,
    omitted,
    notes,
  );
}
