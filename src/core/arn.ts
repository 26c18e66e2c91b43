import { StrongboxError } from "./errors.js";

/**
 * ARNs in the deployment's own partition. The module builds every ARN with
 * `data.aws_partition` (aws, aws-cn, aws-us-gov, ...), so the ARNs the CLI
 * builds take the partition of the deployment's ARNs, never a written `aws`.
 */

/** A partition as it stands in an ARN: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ... */
export const PARTITION_PATTERN = "aws(?:-[a-z]+)*";
const PARTITION = new RegExp(`^${PARTITION_PATTERN}$`);

/** The partition of `arn` (its second field); a string that is not an ARN is refused. */
export function partitionOf(arn: string): string {
  const fields = arn.split(":");
  const partition = fields[1] ?? "";
  if (fields[0] !== "arn" || fields.length < 6 || !PARTITION.test(partition)) {
    throw new StrongboxError("usage", `${arn} is not an ARN with an AWS partition`, {
      hint: "run `strongbox configure --from-terraform` again to write the deployment's ARNs",
    });
  }
  return partition;
}

/** The account of `arn` (its fifth field; empty for an ARN without one, such as a bucket's). */
export function accountOf(arn: string): string {
  partitionOf(arn);
  return arn.split(":")[4] ?? "";
}

/** The ARN of `name`'s MFA device in the partition and account of `callerArn`, if that is an ARN. */
export function mfaDeviceArnLike(callerArn: string, name: string): string {
  const fields = callerArn.split(":");
  const partition = PARTITION.test(fields[1] ?? "") ? fields[1] : "aws";
  const account = /^\d{12}$/.test(fields[4] ?? "") ? fields[4] : "ACCOUNT";
  return `arn:${partition}:iam::${account}:mfa/${name}`;
}

/** `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` (region and account empty where the service has none). */
export const arnOf = (
  partition: string,
  service: string,
  region: string,
  account: string,
  resource: string,
): string => `arn:${partition}:${service}:${region}:${account}:${resource}`;

/** An S3 bucket's ARN (no region or account in it). */
export const bucketArnOf = (partition: string, bucket: string): string =>
  arnOf(partition, "s3", "", "", bucket);

/**
 * A customer key that is not the deployment's, in its partition, region and
 * account: what the "names another key" refusals name (the access contract's
 * cells and the selftest's request).
 */
export const otherKeyArnIn = (partition: string, region: string, account: string): string =>
  arnOf(partition, "kms", region, account, "key/00000000-1111-2222-3333-444444444444");
