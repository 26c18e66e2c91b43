import type { ContractTarget } from "../../../../src/core/access/contract.js";
import type { AccessPolicies, PolicyDocument } from "../../../../src/core/access/evaluate.js";

/**
 * A hand-written deployment that honours the contract: the shape the module's
 * policies are expected to take. Unit tests evaluate it, and break it.
 */
export const PARTITION = "aws";
export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const BUCKET_ARN = "arn:aws:s3:::strongbox-test-files";
export const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/5a1b2c3d-0000-4000-8000-00000000abcd`;
export const ROLE_ARNS = {
  uploader: `arn:aws:iam::${ACCOUNT}:role/strongbox-uploader`,
  viewer: `arn:aws:iam::${ACCOUNT}:role/strongbox-viewer`,
  admin: `arn:aws:iam::${ACCOUNT}:role/strongbox-admin`,
};
export const MAX_SIGNATURE_AGE_MS = 3_600_000;

export const TARGET: ContractTarget = {
  partition: PARTITION,
  accountId: ACCOUNT,
  region: REGION,
  bucketArn: BUCKET_ARN,
  kmsKeyArn: KEY_ARN,
  roleArns: ROLE_ARNS,
  maxSignatureAgeMs: MAX_SIGNATURE_AGE_MS,
  monitoring: {
    logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/cloudtrail/strongbox`,
    trailArn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/strongbox-trail`,
    alarmArn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:strongbox-access-denied`,
    eventRuleArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/strongbox-bucket-activity`,
    topicArns: [`arn:aws:sns:${REGION}:${ACCOUNT}:strongbox-alerts`],
  },
  adminMfaMaxAgeSeconds: 900,
  trust: {
    callers: {
      uploader: `arn:aws:iam::${ACCOUNT}:user/alice`,
      viewer: `arn:aws:iam::${ACCOUNT}:user/bob`,
      admin: `arn:aws:iam::${ACCOUNT}:user/dana`,
    },
    binding: ["user_name", "principal_tag"],
    principalTag: "strongbox-user",
    adminMfaRequired: true,
  },
};

/** What no role may change (the module's guardrails, by name pattern). */
const MONITORING_DENIES = [
  {
    Sid: "DenyMonitoringChanges",
    Effect: "Deny" as const,
    Action: [
      "cloudtrail:StopLogging",
      "cloudtrail:DeleteTrail",
      "cloudtrail:PutEventSelectors",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteMetricFilter",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:DisableAlarmActions",
      "events:DisableRule",
      "events:RemoveTargets",
      "sns:DeleteTopic",
      "sns:SetTopicAttributes",
      "sns:Unsubscribe",
    ],
    Resource: [
      `arn:aws:cloudtrail:*:${ACCOUNT}:trail/strongbox-*`,
      `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/cloudtrail/strongbox*`,
      `arn:aws:cloudwatch:*:${ACCOUNT}:alarm:strongbox-*`,
      `arn:aws:events:*:${ACCOUNT}:rule/strongbox-*`,
      `arn:aws:sns:*:${ACCOUNT}:strongbox-*`,
    ],
  },
  {
    Sid: "DenyNotificationAndReplicationChanges",
    Effect: "Deny" as const,
    Action: ["s3:PutBucketNotification", "s3:PutReplicationConfiguration"],
    Resource: BUCKET_ARN,
  },
];

const FRESH_MFA = {
  Bool: { "aws:MultiFactorAuthPresent": "true" },
  NumericLessThan: { "aws:MultiFactorAuthAge": "900" },
};

/** A role's trust policy: one statement per SourceIdentity binding form. */
function trustPolicy(role: keyof typeof ROLE_ARNS): PolicyDocument {
  const caller = TARGET.trust?.callers[role];
  const mfa = role === "admin" ? FRESH_MFA : {};
  const statement = (Sid: string, value: string) => ({
    Sid,
    Effect: "Allow" as const,
    Principal: { AWS: [caller] },
    Action: ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
    Condition: { StringEquals: { "sts:SourceIdentity": value }, ...mfa },
  });
  return doc(
    statement("ByUserName", "$" + "{aws:username}"),
    statement("ByPrincipalTag", "$" + "{aws:PrincipalTag/strongbox-user}"),
  );
}

const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: Statement.flat(),
});
const OBJECTS = `${BUCKET_ARN}/*`;

/** A bucket-policy Deny, to everyone, under a condition. */
const deny = (
  Sid: string,
  Action: string,
  Resource: string | string[],
  Condition: Record<string, unknown>,
) => ({ Sid, Effect: "Deny" as const, Principal: "*", Action, Resource, Condition });
const denyAll = (Sid: string, Condition: Record<string, unknown>) =>
  deny(Sid, "s3:*", [BUCKET_ARN, OBJECTS], Condition);
const denyPut = (Sid: string, Condition: Record<string, unknown>) =>
  deny(Sid, "s3:PutObject", OBJECTS, Condition);
const VIA_S3 = { StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } };

const kms = (actions: string[]) => ({
  Sid: "KmsViaS3",
  Effect: "Allow" as const,
  Action: actions,
  Resource: KEY_ARN,
  Condition: VIA_S3,
});

export function referencePolicies(): AccessPolicies {
  return {
    partition: PARTITION,
    accountId: ACCOUNT,
    identityPolicies: {
      uploader: [
        {
          name: "strongbox-uploader",
          document: doc(
            {
              Sid: "Put",
              Effect: "Allow",
              Action: ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
              Resource: OBJECTS,
            },
            {
              Sid: "CreateOnly",
              Effect: "Deny",
              Action: "s3:PutObject",
              Resource: OBJECTS,
              Condition: {
                Bool: { "s3:ObjectCreationOperation": "true" },
                StringNotEquals: { "s3:if-none-match": "*" },
              },
            },
            kms(["kms:GenerateDataKey", "kms:Decrypt"]),
            MONITORING_DENIES,
          ),
        },
      ],
      viewer: [
        {
          name: "strongbox-viewer",
          document: doc(
            {
              Sid: "Get",
              Effect: "Allow",
              Action: ["s3:GetObject", "s3:GetObjectVersion"],
              Resource: OBJECTS,
            },
            {
              Sid: "List",
              Effect: "Allow",
              Action: ["s3:ListBucket", "s3:ListBucketVersions"],
              Resource: BUCKET_ARN,
            },
            kms(["kms:Decrypt"]),
            MONITORING_DENIES,
          ),
        },
      ],
      admin: [
        {
          name: "strongbox-admin",
          document: doc(
            {
              Sid: "Objects",
              Effect: "Allow",
              Action: [
                "s3:PutObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
              ],
              Resource: OBJECTS,
            },
            {
              Sid: "List",
              Effect: "Allow",
              Action: ["s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads"],
              Resource: BUCKET_ARN,
            },
            {
              Sid: "PermanentDeleteNeedsMfa",
              Effect: "Deny",
              Action: "s3:DeleteObjectVersion",
              Resource: OBJECTS,
              Condition: { BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } },
            },
            kms(["kms:GenerateDataKey", "kms:Decrypt"]),
            {
              Sid: "Audit",
              Effect: "Allow",
              Action: ["logs:StartQuery"],
              Resource: TARGET.monitoring?.logGroupArn,
            },
            {
              Sid: "AuditRead",
              Effect: "Allow",
              Action: [
                "logs:GetQueryResults",
                "logs:StopQuery",
                "logs:DescribeQueryDefinitions",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:DescribeAlarmHistory",
                "cloudwatch:GetMetricData",
              ],
              Resource: "*",
            },
            {
              Sid: "ReadTheRoles",
              Effect: "Allow",
              Action: [
                "iam:GetRole",
                "iam:ListRolePolicies",
                "iam:GetRolePolicy",
                "iam:ListAttachedRolePolicies",
              ],
              Resource: Object.values(ROLE_ARNS),
            },
            {
              Sid: "ReadManagedPolicies",
              Effect: "Allow",
              Action: ["iam:GetPolicy", "iam:GetPolicyVersion"],
              Resource: [`arn:aws:iam::${ACCOUNT}:policy/*`, "arn:aws:iam::aws:policy/*"],
            },
            {
              Sid: "ReadBucketPolicy",
              Effect: "Allow",
              Action: "s3:GetBucketPolicy",
              Resource: BUCKET_ARN,
            },
            {
              Sid: "ReadKeyPolicy",
              Effect: "Allow",
              Action: "kms:GetKeyPolicy",
              Resource: KEY_ARN,
            },
            { Sid: "Simulate", Effect: "Allow", Action: "iam:SimulateCustomPolicy", Resource: "*" },
            MONITORING_DENIES,
          ),
        },
      ],
    },
    trustPolicies: {
      uploader: trustPolicy("uploader"),
      viewer: trustPolicy("viewer"),
      admin: trustPolicy("admin"),
    },
    bucketPolicy: doc(
      denyAll("DenyInsecureTransport", { Bool: { "aws:SecureTransport": "false" } }),
      denyAll("DenySigV2", {
        StringNotEquals: { "s3:signatureversion": "AWS4-HMAC-SHA256" },
      }),
      // Absent headers (bucket-default encryption) must pass: IfExists would deny them.
      denyPut("DenyWrongAlgorithm", {
        Null: { "s3:x-amz-server-side-encryption": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      }),
      denyPut("DenyOtherKey", {
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN },
      }),
      denyPut("DenyAwsManagedKey", {
        StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
      }),
      denyPut("DenySseC", {
        Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" },
      }),
      denyPut("DenyArchiveClasses", {
        StringEquals: { "s3:x-amz-storage-class": ["GLACIER", "DEEP_ARCHIVE"] },
      }),
      deny("DenyStaleMfaDeletes", "s3:DeleteObjectVersion", OBJECTS, {
        ArnEquals: { "aws:PrincipalArn": Object.values(ROLE_ARNS) },
        NumericGreaterThanIfExists: { "aws:MultiFactorAuthAge": "900" },
      }),
      denyAll("DenyOldSignatures", {
        NumericGreaterThan: { "s3:signatureAge": String(MAX_SIGNATURE_AGE_MS) },
      }),
    ),
    keyPolicy: doc(
      {
        Sid: "EnableIamPolicies",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "DenyRolesOutsideS3",
        Effect: "Deny",
        Principal: { AWS: Object.values(ROLE_ARNS) },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringNotEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` } },
      },
      {
        Sid: "DenyRolesOtherBuckets",
        Effect: "Deny",
        Principal: { AWS: Object.values(ROLE_ARNS) },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
        Condition: { StringNotEquals: { "kms:EncryptionContext:aws:s3:arn": BUCKET_ARN } },
      },
    ),
  };
}
