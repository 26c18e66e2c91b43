import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  type ListAttachedRolePoliciesCommandOutput,
  ListRolePoliciesCommand,
  type ListRolePoliciesCommandOutput,
} from "@aws-sdk/client-iam";
import { GetKeyPolicyCommand, type KMSClient } from "@aws-sdk/client-kms";
import { GetBucketPolicyCommand, type S3Client } from "@aws-sdk/client-s3";
import { bucketArnOf } from "../arn.js";
import { StrongboxError } from "../errors.js";
import { ROLES, type Role } from "../roles.js";
import { roleNameOf } from "./contract.js";
import type { AccessPolicies, NamedPolicy, PolicyDocument, ResourcePolicy } from "./evaluate.js";

/**
 * Reads back the policies as deployed, through the IAM, S3 and KMS APIs. The
 * caller hands in clients built with whichever credentials may read them
 * (the deployer's, an Admin's, or the emulator's), so tests and
 * `strongbox access` share this code.
 */
export interface PolicyReaders {
  iam: Pick<IAMClient, "send">;
  s3: Pick<S3Client, "send">;
  kms: Pick<KMSClient, "send">;
}

export interface DeploymentRef {
  partition: string;
  accountId: string;
  bucketName: string;
  kmsKeyArn: string;
  roleArns: Record<Role, string>;
  /** The monitoring half's bucket and key, whose policies decide its contract cells. */
  trailLogBucket?: string | undefined;
  monitoringKeyArn?: string | undefined;
}

/** IAM returns policy documents URL-encoded (RFC 3986); other readers return plain JSON. */
export function parsePolicyDocument(text: string, where: string): PolicyDocument {
  const attempts = [text];
  if (/^\s*%7B/i.test(text)) attempts.unshift(decodeURIComponent(text));
  for (const attempt of attempts) {
    try {
      const parsed = JSON.parse(attempt) as PolicyDocument;
      if (parsed && typeof parsed === "object" && "Statement" in parsed) return parsed;
    } catch {
      // try the next form
    }
  }
  throw new StrongboxError("failed", `The ${where} is not a readable policy document.`);
}

const errorName = (error: unknown): string =>
  typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";

async function readRolePolicies(
  iam: PolicyReaders["iam"],
  role: Role,
  roleArn: string,
): Promise<{
  identity: NamedPolicy[];
  boundary: NamedPolicy | undefined;
  trust: PolicyDocument | undefined;
}> {
  const RoleName = roleNameOf(roleArn);
  const identity: NamedPolicy[] = [];

  let marker: string | undefined;
  do {
    const page: ListRolePoliciesCommandOutput = await iam.send(
      new ListRolePoliciesCommand({ RoleName, Marker: marker }),
    );
    for (const PolicyName of page.PolicyNames ?? []) {
      const inline = await iam.send(new GetRolePolicyCommand({ RoleName, PolicyName }));
      identity.push({
        name: `${RoleName}:inline:${PolicyName}`,
        document: parsePolicyDocument(
          inline.PolicyDocument ?? "",
          `inline policy ${PolicyName} of ${role}`,
        ),
      });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);

  const managed = async (PolicyArn: string, what: string): Promise<NamedPolicy> => {
    const policy = await iam.send(new GetPolicyCommand({ PolicyArn }));
    const VersionId = policy.Policy?.DefaultVersionId;
    if (VersionId === undefined) {
      throw new StrongboxError("failed", `The ${what} ${PolicyArn} has no default version.`);
    }
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn, VersionId }));
    return {
      name: PolicyArn,
      document: parsePolicyDocument(version.PolicyVersion?.Document ?? "", `${what} ${PolicyArn}`),
    };
  };

  marker = undefined;
  do {
    const page: ListAttachedRolePoliciesCommandOutput = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName, Marker: marker }),
    );
    for (const attached of page.AttachedPolicies ?? []) {
      if (attached.PolicyArn) identity.push(await managed(attached.PolicyArn, "managed policy"));
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker !== undefined);

  const described = await iam.send(new GetRoleCommand({ RoleName }));
  const boundaryArn = described.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
  const boundary =
    boundaryArn === undefined ? undefined : await managed(boundaryArn, "permissions boundary");
  const trustText = described.Role?.AssumeRolePolicyDocument;
  const trust =
    trustText === undefined ? undefined : parsePolicyDocument(trustText, `trust policy of ${role}`);
  return { identity, boundary, trust };
}

export async function readBucketPolicy(
  s3: PolicyReaders["s3"],
  Bucket: string,
): Promise<PolicyDocument | undefined> {
  try {
    const response = await s3.send(new GetBucketPolicyCommand({ Bucket }));
    return response.Policy === undefined
      ? undefined
      : parsePolicyDocument(response.Policy, `bucket policy of ${Bucket}`);
  } catch (error) {
    if (errorName(error) === "NoSuchBucketPolicy") return undefined;
    throw error;
  }
}

export async function readKeyPolicy(
  kms: PolicyReaders["kms"],
  KeyId: string,
): Promise<PolicyDocument> {
  const response = await kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: "default" }));
  return parsePolicyDocument(response.Policy ?? "", `key policy of ${KeyId}`);
}

/** Every policy that decides the roles' access, as the account holds it now. */
export async function readDeployedPolicies(
  readers: PolicyReaders,
  deployment: DeploymentRef,
): Promise<AccessPolicies> {
  const identityPolicies = {} as Record<Role, NamedPolicy[]>;
  const permissionBoundaries: Partial<Record<Role, NamedPolicy>> = {};
  const trustPolicies: Partial<Record<Role, PolicyDocument>> = {};
  for (const role of ROLES) {
    const { identity, boundary, trust } = await readRolePolicies(
      readers.iam,
      role,
      deployment.roleArns[role],
    );
    identityPolicies[role] = identity;
    if (boundary !== undefined) permissionBoundaries[role] = boundary;
    if (trust !== undefined) trustPolicies[role] = trust;
  }
  const extraResourcePolicies: ResourcePolicy[] = [];
  if (deployment.trailLogBucket !== undefined) {
    const document = await readBucketPolicy(readers.s3, deployment.trailLogBucket);
    if (document === undefined) {
      throw new StrongboxError(
        "failed",
        `The trail log bucket ${deployment.trailLogBucket} has no bucket policy: the module always writes one.`,
      );
    }
    const arn = bucketArnOf(deployment.partition, deployment.trailLogBucket);
    extraResourcePolicies.push({ name: "trail-log-bucket", arn, document });
  }
  if (deployment.monitoringKeyArn !== undefined) {
    const document = await readKeyPolicy(readers.kms, deployment.monitoringKeyArn);
    extraResourcePolicies.push({
      name: "monitoring-key",
      arn: deployment.monitoringKeyArn,
      document,
    });
  }
  return {
    partition: deployment.partition,
    accountId: deployment.accountId,
    identityPolicies,
    permissionBoundaries,
    bucketPolicy: await readBucketPolicy(readers.s3, deployment.bucketName),
    keyPolicy: await readKeyPolicy(readers.kms, deployment.kmsKeyArn),
    trustPolicies,
    ...(extraResourcePolicies.length > 0 ? { extraResourcePolicies } : {}),
  };
}
