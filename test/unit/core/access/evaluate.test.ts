import { describe, expect, test } from "vitest";
import { buildContract, type ContractCell } from "../../../../src/core/access/contract.js";
import {
  type AccessPolicies,
  evaluateContract,
  IAM_SIMULATE_PACKAGE,
  loadIamSimulate,
} from "../../../../src/core/access/evaluate.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import {
  ACCOUNT,
  BUCKET_ARN,
  KEY_ARN,
  PARTITION,
  REGION,
  ROLE_ARNS,
  referencePolicies,
  TARGET,
} from "./reference-policies.js";

const cells = buildContract(TARGET);
const pick = (...ids: string[]): ContractCell[] =>
  ids.map((id) => {
    const cell = cells.find((c) => c.id === id);
    if (cell === undefined) throw new Error(`no cell ${id}`);
    return cell;
  });

/** The smallest policies that decide a handful of cells. */
const minimal = (): AccessPolicies => ({
  partition: PARTITION,
  accountId: ACCOUNT,
  identityPolicies: {
    uploader: [
      {
        name: "uploader-inline",
        document: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "s3:PutObject", Resource: `${BUCKET_ARN}/*` },
            {
              Effect: "Allow",
              Action: "kms:GenerateDataKey",
              Resource: KEY_ARN,
              Condition: { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
            },
          ],
        },
      },
    ],
    viewer: [],
    admin: [],
  },
  bucketPolicy: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  },
  keyPolicy: {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  },
});

describe("evaluating contract cells with iam-simulate", () => {
  test("an identity allow, a bucket-policy deny and an implicit deny", async () => {
    const results = await evaluateContract(
      pick("uploader/s3:PutObject", "uploader/s3:PutObject/plain-http", "viewer/s3:GetObject"),
      minimal(),
    );
    expect(results.map((r) => [r.cell.id, r.verdict, r.ok])).toEqual([
      ["uploader/s3:PutObject", "Allowed", true],
      ["uploader/s3:PutObject/plain-http", "ExplicitlyDenied", true],
      // The minimal policies give the Viewer nothing: the cell expects allow.
      ["viewer/s3:GetObject", "ImplicitlyDenied", false],
    ]);
    expect(results[1]?.decidedBy).toEqual(["resource-policy#DenyInsecureTransport"]);
    expect(results.every((r) => r.engine === "iam-simulate")).toBe(true);
  });

  test("KMS: the key policy's account grant delegates to the role's identity policy", async () => {
    const results = await evaluateContract(
      pick("uploader/kms:GenerateDataKey", "uploader/kms:GenerateDataKey/direct-call"),
      minimal(),
    );
    expect(results.map((r) => [r.actual, r.ok])).toEqual([
      ["allow", true],
      ["deny", true],
    ]);
    const withoutDelegation = { ...minimal(), keyPolicy: { Version: "2012-10-17", Statement: [] } };
    const [denied] = await evaluateContract(
      pick("uploader/kms:GenerateDataKey"),
      withoutDelegation,
    );
    expect(denied?.actual).toBe("deny");
  });

  test("a condition on the S3 encryption context is evaluated, not ignored", async () => {
    const policies = minimal();
    policies.keyPolicy = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: ROLE_ARNS.uploader },
          Action: "kms:GenerateDataKey",
          Resource: "*",
          Condition: { StringEquals: { "kms:EncryptionContext:aws:s3:arn": BUCKET_ARN } },
        },
      ],
    };
    policies.identityPolicies.uploader = [];
    const [sameBucket] = await evaluateContract(pick("uploader/kms:GenerateDataKey"), policies);
    expect(sameBucket?.actual).toBe("allow");
    policies.keyPolicy.Statement = [
      {
        ...(policies.keyPolicy.Statement as Array<Record<string, unknown>>)[0],
        Effect: "Allow",
        Condition: { StringEquals: { "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::other" } },
      },
    ];
    const [otherBucket] = await evaluateContract(pick("uploader/kms:GenerateDataKey"), policies);
    expect(otherBucket?.actual).toBe("deny");
  });

  test("the reference deployment satisfies every cell, with no context key ignored", async () => {
    const results = await evaluateContract(cells, referencePolicies());
    expect(results.filter((r) => !r.ok).map((r) => r.cell.id)).toEqual([]);
    expect(results.filter((r) => r.ignoredContextKeys.length > 0).map((r) => r.cell.id)).toEqual(
      [],
    );
  });

  test("the audit's findings: the policies as they were before fail the new cells", async () => {
    const before = referencePolicies();
    // Any SourceIdentity, MFA of any age, no create-only, no SSE-C / archive / stale-MFA denies.
    for (const role of ["uploader", "viewer", "admin"] as const) {
      const trust = before.trustPolicies?.[role] as { Statement: Array<Record<string, unknown>> };
      trust.Statement = [
        {
          ...trust.Statement[0],
          Condition: {
            StringLike: { "sts:SourceIdentity": "*" },
            ...(role === "admin" ? { Bool: { "aws:MultiFactorAuthPresent": "true" } } : {}),
          },
        },
      ];
      for (const p of before.identityPolicies[role]) {
        const statements = p.document.Statement as Array<{ Sid?: string }>;
        p.document.Statement = statements.filter(
          (st) =>
            ![
              "CreateOnly",
              "DenyMonitoringChanges",
              "DenyNotificationAndReplicationChanges",
            ].includes(st.Sid ?? ""),
        ) as typeof p.document.Statement;
      }
    }
    const bucket = before.bucketPolicy as { Statement: Array<{ Sid?: string }> };
    bucket.Statement = bucket.Statement.filter(
      (st) => !["DenySseC", "DenyArchiveClasses", "DenyStaleMfaDeletes"].includes(st.Sid ?? ""),
    );
    const failing = (await evaluateContract(cells, before))
      .filter((r) => !r.ok)
      .map((r) => r.cell.id);
    for (const id of [
      "uploader/s3:PutObject/overwrite",
      "viewer/s3:PutObject/sse-c",
      "admin/s3:PutObject/sse-c",
      "admin/s3:PutObject/storage-class-GLACIER",
      "admin/s3:DeleteObjectVersion/stale-mfa",
      "admin/sts:AssumeRole/stale-mfa",
      "viewer/sts:AssumeRole/forged-source-identity",
      "admin/sts:SetSourceIdentity/forged-source-identity",
      "uploader/cloudtrail:StopLogging",
      "admin/sns:DeleteTopic/strongbox-alerts",
      "viewer/s3:PutReplicationConfiguration",
    ]) {
      expect(failing, id).toContain(id);
    }
  });

  test("regression: a deny on StringNotEqualsIfExists refuses bucket-default encrypted PUTs", async () => {
    const policies = referencePolicies();
    const bucket = policies.bucketPolicy as { Statement: Array<Record<string, unknown>> };
    bucket.Statement = bucket.Statement.map((s) =>
      s.Sid === "DenyOtherKey"
        ? {
            ...s,
            Condition: {
              StringNotEqualsIfExists: {
                "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN,
              },
            },
          }
        : s,
    );
    const [put] = await evaluateContract(pick("uploader/s3:PutObject"), policies);
    expect(put).toMatchObject({ expected: "allow", actual: "deny", ok: false });
  });

  test("a missing simulator is a clear error naming the package to install", async () => {
    const missing = Object.assign(new Error("Cannot find package"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const error = await loadIamSimulate(() => Promise.reject(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect((error as StrongboxError).hint).toContain(`npm install ${IAM_SIMULATE_PACKAGE}`);
    expect((error as StrongboxError).message).toContain("optional package");
  });
});
