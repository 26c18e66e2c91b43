import type { ContractTarget } from "../../../src/core/access/contract.js";
import type { AccessPolicies, PolicyDocument } from "../../../src/core/access/evaluate.js";

/**
 * A hand-written deployment that honours the contract: the shape the module's
 * policies are expected to take. Unit tests evaluate it, and break it.
 */
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
  accountId: ACCOUNT,
  region: REGION,
  bucketArn: BUCKET_ARN,
  kmsKeyArn: KEY_ARN,
  roleArns: ROLE_ARNS,
  maxSignatureAgeMs: MAX_SIGNATURE_AGE_MS,
  monitoring: { logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/strongbox/trail` },
};

const doc = (...Statement: PolicyDocument["Statement"][]): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: Statement.flat(),
});
const OBJECTS = `${BUCKET_ARN}/*`;
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
            kms(["kms:GenerateDataKey", "kms:Decrypt"]),
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
              Action: ["s3:ListBucket", "s3:ListBucketVersions"],
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
              Action: ["logs:GetQueryResults", "cloudwatch:DescribeAlarms"],
              Resource: "*",
            },
          ),
        },
      ],
    },
    bucketPolicy: doc(
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, OBJECTS],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      {
        Sid: "DenySigV2",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, OBJECTS],
        Condition: { StringNotEquals: { "s3:signatureversion": "AWS4-HMAC-SHA256" } },
      },
      {
        Sid: "DenyWrongAlgorithm",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: OBJECTS,
        // Absent headers (bucket-default encryption) must pass: IfExists would deny them.
        Condition: {
          Null: { "s3:x-amz-server-side-encryption": "false" },
          StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        },
      },
      {
        Sid: "DenyOtherKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: OBJECTS,
        Condition: {
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
          StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN },
        },
      },
      {
        Sid: "DenyAwsManagedKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: OBJECTS,
        Condition: {
          StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
          Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
        },
      },
      {
        Sid: "DenyOldSignatures",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [BUCKET_ARN, OBJECTS],
        Condition: {
          NumericGreaterThan: { "s3:signatureAge": String(MAX_SIGNATURE_AGE_MS) },
        },
      },
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
