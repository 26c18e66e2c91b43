# Strongbox on a local AWS emulator (moto server): the same module as in a real
# account, plus one demo IAM user per role to assume it.

locals {
  region = "us-east-1"
  roles  = ["uploader", "viewer", "admin"]
  tags   = { Project = "strongbox", Environment = "local" }

  # For strongbox-outputs.tf: the emulator answers for every service. moto gap:
  # its STS takes no MFA device and evaluates no trust policy, so the CLI must
  # not ask for a code here, although the deployed trust policy demands a fresh
  # MFA as in AWS (output admin_trust_requires_mfa).
  endpoint_url           = var.endpoint
  cli_admin_mfa_required = false
}

provider "aws" {
  #checkov:skip=CKV_AWS_41:"test"/"test" are moto's fixed dummy credentials for a local emulator, not a secret.
  region     = local.region
  access_key = "test"
  secret_key = "test"

  # Nothing here may reach a real AWS endpoint.
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # moto gap: no S3 Control ListTagsForResource. With an account ID the provider
  # reads bucket tags through S3 Control ({account}.s3-control host); without one
  # it uses GetBucketTagging, which moto has. The module's data.aws_caller_identity
  # still asks STS for the account.
  skip_requesting_account_id = true
  # An emulator answers at once or not at all: fail fast instead of backing off for minutes.
  max_retries = 2

  endpoints {
    cloudtrail = var.endpoint
    cloudwatch = var.endpoint
    events     = var.endpoint
    iam        = var.endpoint
    kms        = var.endpoint
    logs       = var.endpoint
    s3         = var.endpoint
    sns        = var.endpoint
    sts        = var.endpoint
  }

  # No default_tags: they would reach the buckets too (see emulator_workarounds.tag_buckets below).
}

# The people of the demo: each user may assume exactly one role.
resource "aws_iam_user" "demo" {
  #checkov:skip=CKV_AWS_273:Demo base identities on the local emulator; a real account uses its own users or SSO (envs/aws).
  #checkov:skip=CKV2_AWS_21:A demo user needs no group; its only right is to be named in one role's trust policy.
  for_each = toset(local.roles)

  name = "${var.name_prefix}-demo-${each.key}"
  tags = local.tags
  # No force_destroy: the access key is Terraform's and goes first, and moto lacks
  # ListServiceSpecificCredentials, which force_destroy calls.
}

resource "aws_iam_access_key" "demo" {
  for_each = aws_iam_user.demo
  user     = each.value.name
}

module "strongbox" {
  source = "../../modules/strongbox"

  name_prefix     = var.name_prefix
  role_principals = { for role in local.roles : role => [aws_iam_user.demo[role].arn] }

  # The Admin trust policy demands a fresh MFA here as in AWS (the access
  # contract proves it on the deployed policy); moto evaluates no trust policy,
  # so the demo Admin still assumes without a code (see admin_mfa_required in outputs.tf).
  # Both SourceIdentity forms, so the contract proves each on the deployed policy.
  source_identity_binding = ["user_name", "principal_tag"]

  # The page of `strongbox ui` (its port is also in the CLI config, from the outputs).
  cors_allowed_origins = ["http://127.0.0.1:${var.ui_port}"]

  # What moto 5.2.5 lacks or mishandles (a real account sets none of these):
  emulator_workarounds = {
    # GetBucketEncryption drops BlockedEncryptionTypes, so the second plan would
    # re-add the SSE-C block forever. The bucket policy's SSE-C denial stays.
    block_sse_c = false
    # No PutQueryDefinition; `strongbox audit` needs a real account anyway.
    create_query_definitions = false
    # Its CloudWatch lacks the Smithy RPCv2 CBOR protocol the provider speaks.
    create_metric_alarms = false
    # CreateBucket drops the tags the provider sends with it, so tagged buckets
    # never converge (the second plan would re-add them).
    tag_buckets = false
    # It treats every conditional Deny of a bucket policy as matching, so the
    # attached policy would refuse every object request. The rendered policy is
    # proven instead by iam-simulate (access-contract test) and MinIO (strict lane).
    attach_bucket_policy = false
    # `npm start` applies first without them (usable sooner), then with them.
    create_lifecycle_configurations = var.create_lifecycle_configurations
  }

  # The demo's admin person also administers the keys and may validate the
  # trail's log files, so the access contract has a named key administrator
  # (exempt from the keys' lockout guard) and a reader to prove. The deployer
  # (moto's fixed caller) stays a key administrator too (the default).
  kms_administrator_arns = [aws_iam_user.demo["admin"].arn]
  trail_log_reader_arns  = [aws_iam_user.demo["admin"].arn]

  # The demo stack is torn down on Ctrl-C with whatever was uploaded into it.
  force_destroy = true
  # The emulator keeps nothing; a short window keeps `destroy` honest anyway.
  kms_deletion_window_in_days = 7

  tags = local.tags
}
