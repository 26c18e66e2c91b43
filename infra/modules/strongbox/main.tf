# Where the module runs and what it calls things. Every ARN the policies need
# is built here from names, so the policies are known at plan time (and can be
# tested offline) instead of waiting for resources to exist.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  bucket_name            = coalesce(var.bucket_name, "${var.name_prefix}-${local.account_id}-${local.region}")
  bucket_arn             = "arn:${local.partition}:s3:::${local.bucket_name}"
  access_log_bucket_name = "${var.name_prefix}-access-logs-${local.account_id}-${local.region}"
  access_log_bucket_arn  = "arn:${local.partition}:s3:::${local.access_log_bucket_name}"
  kms_alias              = "alias/${var.name_prefix}"

  role_names = {
    uploader = "${var.name_prefix}-uploader"
    viewer   = "${var.name_prefix}-viewer"
    admin    = "${var.name_prefix}-admin"
  }
  role_arns = { for role, name in local.role_names : role => "arn:${local.partition}:iam::${local.account_id}:role/${name}" }

  # KMS may be used by the roles only through S3 in this region, for this bucket.
  s3_via_service = "s3.${local.region}.amazonaws.com"

  # Roles an AWS service assumes for one of this deployment's resources, each
  # named with its service and that resource by the file that creates it. The
  # trust policy admits only that service, acting for that resource in this
  # account (no confused deputy).
  service_roles = {
    trail_logs        = local.trail_logs_service_role        # trail.tf
    trail_replication = local.trail_replication_service_role # trail-replication.tf
  }
  service_role_trust_policies = {
    for role, r in local.service_roles : role => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = r.sid
        Effect    = "Allow"
        Principal = { Service = r.service }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = {
            "aws:SourceArn"     = r.source_arn
            "aws:SourceAccount" = local.account_id
          }
        }
      }]
    })
  }

  tags        = merge({ "strongbox:module" = "strongbox" }, var.tags)
  bucket_tags = var.emulator_workarounds.tag_buckets ? local.tags : {}
}
