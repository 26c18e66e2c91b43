import { IAMClient } from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, test } from "vitest";
import { contractTargetOf } from "../../src/core/access/check.js";
import { type ContractCell, roleNameOf } from "../../src/core/access/contract.js";
import { buildContractWithMonitoring } from "../../src/core/access/contract-monitoring.js";
import { parsePolicyDocument, readDeployedPolicies } from "../../src/core/access/deployed.js";
import { type AccessPolicies, evaluateContract } from "../../src/core/access/evaluate.js";
import { partitionOf } from "../../src/core/arn.js";
import { configFromTerraformOutputs } from "../../src/core/config-terraform.js";
import type { Role } from "../../src/core/roles.js";
import {
  type MutationOutcome,
  runMutations,
  statementVerdicts,
} from "../support/policy-mutations.js";
import { loadTestStack, outputValue, type TestStack } from "./support/stack.js";

/*
 * The access contract (ARCHITECTURE §2), proven on what Terraform deployed:
 * the roles' identity policies, the bucket policy and the key policy are read
 * back from the emulator through the IAM, S3 and KMS APIs and every cell is
 * evaluated with iam-simulate. Then each statement is broken in a copy to
 * show the check can go red.
 */

let stack: TestStack;
let cells: ContractCell[];
let policies: AccessPolicies;

beforeAll(async () => {
  stack = loadTestStack();
  const region = outputValue<string>(stack, "region");
  const client = {
    region,
    endpoint: stack.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  };
  const roleArns = outputValue<Record<Role, string>>(stack, "role_arns");
  const accountId = outputValue<string>(stack, "account_id");
  const partition = partitionOf(roleArns.admin);
  const kmsKeyArn = outputValue<string>(stack, "kms_key_arn");
  const maxAge = outputValue<number | null>(stack, "max_signature_age_ms");
  const logGroup = stack.outputs.trail_log_group_name?.value as string | undefined;
  const trailLogBucket = outputValue<string>(stack, "trail_log_bucket_name");
  const monitoringKeyArn = outputValue<string>(stack, "monitoring_kms_key_arn");
  const keyAdministrators = outputValue<string[]>(stack, "kms_administrator_arns");
  const demoAdmin = stack.demoPrincipals.admin.user_arn;
  const demo = outputValue<Record<Role, { user_arn: string }>>(stack, "demo_principals");
  // Every topic the monitoring names: alerts, activity, key guard.
  const topicArns = Object.entries(stack.outputs)
    .filter(([name, o]) => /topic_arn$/.test(name) && typeof o.value === "string")
    .map(([, o]) => o.value as string);
  const eventRule = stack.outputs.event_rule_name?.value as string | undefined;
  const rolePrefix = roleNameOf(roleArns.uploader).replace(/-uploader$/, "");
  cells = buildContractWithMonitoring({
    partition,
    accountId,
    region,
    bucketArn: outputValue<string>(stack, "bucket_arn"),
    kmsKeyArn,
    roleArns,
    maxSignatureAgeMs: maxAge ?? undefined,
    monitoring:
      logGroup === undefined
        ? undefined
        : {
            logGroupArn: `arn:aws:logs:${region}:${accountId}:log-group:${logGroup}`,
            trailArn: stack.outputs.trail_arn?.value as string | undefined,
            // No alarm exists on moto (create_metric_alarms = false): the name is the module's.
            alarmArn: `arn:aws:cloudwatch:${region}:${accountId}:alarm:${rolePrefix}-access-denied`,
            eventRuleArn:
              eventRule === undefined
                ? undefined
                : `arn:aws:events:${region}:${accountId}:rule/${eventRule}`,
            topicArns,
            trailLogBucketArn: `arn:aws:s3:::${trailLogBucket}`,
            monitoringKeyArn,
            keyAdministratorArns: keyAdministrators,
            // envs/local names the demo admin as the trail log reader.
            trailLogReaderArns: [demoAdmin],
          },
    uploaderCanOverwrite: outputValue<boolean>(stack, "uploader_can_overwrite"),
    archiveStorageClassesAllowed: outputValue<boolean>(stack, "archive_storage_classes_allowed"),
    adminMfaMaxAgeSeconds: outputValue<number>(stack, "admin_mfa_max_age_seconds"),
    trust: {
      callers: {
        uploader: demo.uploader.user_arn,
        viewer: demo.viewer.user_arn,
        admin: demo.admin.user_arn,
      },
      binding: outputValue<string[]>(stack, "source_identity_binding"),
      principalTag: outputValue<string>(stack, "source_identity_principal_tag"),
      adminMfaRequired: outputValue<boolean>(stack, "admin_trust_requires_mfa"),
    },
  });
  const readers = {
    iam: new IAMClient(client),
    s3: new S3Client({ ...client, forcePathStyle: true }),
    kms: new KMSClient(client),
  };
  // The monitoring half's own resource policies are read back too.
  policies = await readDeployedPolicies(readers, {
    partition,
    accountId,
    bucketName: outputValue<string>(stack, "bucket_name"),
    kmsKeyArn,
    roleArns,
    trailLogBucket,
    monitoringKeyArn,
  });
  expect(policies.extraResourcePolicies?.map((p) => p.name)).toEqual([
    "trail-log-bucket",
    "monitoring-key",
  ]);
  // envs/local leaves the bucket policy unattached (moto refuses every object
  // request under a conditional Deny); then Terraform's rendered policy is the
  // one to prove, and it must be missing from the emulator.
  if (outputValue<boolean>(stack, "bucket_policy_attached") === false) {
    expect(policies.bucketPolicy).toBeUndefined();
    policies.bucketPolicy = parsePolicyDocument(
      outputValue<string>(stack, "bucket_policy_json"),
      "terraform output bucket_policy_json",
    );
  }
});

describe("the access contract on the deployed policies", () => {
  test("the key administrators and the trail log reader are named, so their cells exist", () => {
    // The cells for them are built only for IAM ARNs; envs/local names the demo admin.
    expect(cells.filter((c) => c.actor === "key-administrator").length).toBe(6);
    expect(cells.filter((c) => c.actor === "trail-log-reader").length).toBe(5);
    expect(
      cells.filter((c) => c.capability === "logIntegrity" && c.actor === undefined).length,
    ).toBe(24);
  });

  test("the policies were read back: identity, bucket and key", () => {
    for (const role of ["uploader", "viewer", "admin"] as const) {
      expect(policies.identityPolicies[role].length).toBeGreaterThan(0);
    }
    expect(policies.bucketPolicy).toBeDefined();
    expect(policies.keyPolicy).toBeDefined();
    for (const role of ["uploader", "viewer", "admin"] as const) {
      expect(policies.trustPolicies?.[role], `trust policy of ${role}`).toBeDefined();
    }
  });

  test("the audit's findings are cells: create-only uploads, SSE-C, archive, fresh MFA, SourceIdentity, monitoring", () => {
    const ids = new Set(cells.map((c) => c.id));
    for (const id of [
      "uploader/s3:PutObject/overwrite",
      "uploader/s3:PutObject/create-only",
      "viewer/s3:PutObject/sse-c",
      "admin/s3:PutObject/storage-class-GLACIER",
      "admin/s3:DeleteObjectVersion/stale-mfa",
      "admin/sts:AssumeRole/stale-mfa",
      "viewer/sts:AssumeRole/forged-source-identity",
      "uploader/sts:AssumeRole/forged-principal-tag",
      "admin/cloudtrail:StopLogging",
      "uploader/logs:DeleteLogGroup",
      "viewer/s3:PutBucketNotification",
    ]) {
      expect(ids.has(id), id).toBe(true);
    }
  });

  test("`strongbox access` builds the same cells from the CLI's config, but those naming people", () => {
    const config = configFromTerraformOutputs(stack.outputs, "outputs.json");
    const commandCells = buildContractWithMonitoring(contractTargetOf(config));
    const ids = new Set(commandCells.map((c) => c.id));
    const testOnly = cells.filter((c) => !ids.has(c.id)).map((c) => c.id);
    // Only this file knows the people who may assume the roles (trust cells) and the
    // trail log reader; and moto's stack has no alarms (create_metric_alarms = false),
    // so its alarm_names output is empty and the command has no alarm to name.
    const naming = /\/sts:|^trail-log-reader\/|\/cloudwatch:(DeleteAlarms|DisableAlarmActions)$/;
    expect(testOnly.filter((id) => !naming.test(id))).toEqual([]);
    expect(testOnly.length).toBeLessThan(40);
    expect(commandCells.filter((c) => !cells.some((t) => t.id === c.id))).toEqual([]);
    expect(commandCells.some((c) => c.capability === "logIntegrity")).toBe(true);
    expect(commandCells.some((c) => c.capability === "keyGuard")).toBe(true);
  });

  test("every cell of ARCHITECTURE §2 holds", async () => {
    const results = await evaluateContract(cells, policies);
    const wrong = results
      .filter((r) => !r.ok)
      .map((r) => `${r.cell.id}: expected ${r.expected}, ${r.verdict} [${r.decidedBy.join(", ")}]`);
    console.info(
      `access contract: ${results.length} cells, ${results.length - wrong.length} hold (engine iam-simulate)`,
    );
    expect(wrong).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(100);
    // Every context key given was applied to its action: nothing evaluated blind.
    expect(results.filter((r) => r.ignoredContextKeys.length > 0).map((r) => r.cell.id)).toEqual(
      [],
    );
  });

  describe("mutation: breaking a deployed statement turns the check red", () => {
    let outcomes: MutationOutcome[];
    beforeAll(async () => {
      outcomes = await runMutations(cells, policies);
      const verdicts = statementVerdicts(outcomes);
      const killed = outcomes.filter((o) => o.killed).length;
      console.info(
        `access mutations: ${outcomes.length} mutations of ${verdicts.length} statements, ${killed} killed, ${outcomes.length - killed} survived`,
      );
      for (const v of verdicts) {
        console.info(
          `  ${v.statement}${v.inScope ? "" : " (not addressed to the roles)"}: killed [${v.killed.join(", ")}] survived [${v.survived.join(", ")}]`,
        );
      }
    }, 600_000);

    test("every statement addressed to the roles is seen by at least one cell", () => {
      const unseen = statementVerdicts(outcomes)
        .filter((v) => v.inScope && v.killed.length === 0)
        .map((v) => v.statement);
      expect(unseen).toEqual([]);
    });

    test("for each policy kind, breaking an Allow and a Deny statement (where it has any) goes red", () => {
      const kinds = ["identity", "bucket", "key", "resource", "trust"] as const;
      for (const kind of kinds) {
        const ofKind = outcomes.filter((o) => o.mutation.location.kind === kind);
        expect(ofKind.length, `${kind} policy has statements`).toBeGreaterThan(0);
        for (const effect of ["Allow", "Deny"] as const) {
          const withEffect = ofKind.filter((o) => effectOf(o) === effect);
          if (withEffect.length === 0) continue;
          expect(
            withEffect.some((o) => o.killed),
            `breaking some ${effect} statement of the ${kind} policy is noticed`,
          ).toBe(true);
        }
      }
    });
  });
});

/** The Effect of the statement a mutation broke, read from the unmutated policies. */
function effectOf(outcome: MutationOutcome): "Allow" | "Deny" | undefined {
  const { location, statement } = outcome.mutation;
  const document =
    location.kind === "bucket"
      ? policies.bucketPolicy
      : location.kind === "key"
        ? policies.keyPolicy
        : location.kind === "resource"
          ? policies.extraResourcePolicies?.find((p) => p.name === location.name)?.document
          : location.kind === "trust"
            ? policies.trustPolicies?.[location.role]
            : policies.identityPolicies[location.role].find((p) => p.name === location.name)
                ?.document;
  if (document === undefined) return undefined;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const found = statement.startsWith("#")
    ? statements[Number(statement.slice(1))]
    : statements.find((s) => s.Sid === statement);
  return found?.Effect;
}
