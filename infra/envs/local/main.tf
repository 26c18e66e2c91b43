# Strongbox on a local AWS emulator (moto server): the same module as in a real
# account, plus one demo IAM user per role to assume it.

locals {
  region = "us-east-1"
  roles  = ["uploader", "viewer", "admin"]
  tags   = { Project = "strongbox", Environment = "local" }
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

  default_tags {
    tags = local.tags
  }
}

# The people of the demo: each user may assume exactly one role.
resource "aws_iam_user" "demo" {
  #checkov:skip=CKV_AWS_273:Demo base identities on the local emulator; a real account uses its own users or SSO (envs/aws).
  #checkov:skip=CKV2_AWS_21:A demo user needs no group; its only right is to be named in one role's trust policy.
  for_each = toset(local.roles)

  name          = "${var.name_prefix}-demo-${each.key}"
  force_destroy = true
}

resource "aws_iam_access_key" "demo" {
  for_each = aws_iam_user.demo
  user     = each.value.name
}

module "strongbox" {
  source = "../../modules/strongbox"

  name_prefix     = var.name_prefix
  role_principals = { for role in local.roles : role => [aws_iam_user.demo[role].arn] }

  # moto cannot issue or check MFA codes (its STS takes no MFA device), so the
  # local Admin role cannot demand MFA; every real deployment keeps the default (true).
  admin_require_mfa = false

  # The demo stack is torn down on Ctrl-C with whatever was uploaded into it.
  force_destroy = true
  # The emulator keeps nothing; a short window keeps `destroy` honest anyway.
  kms_deletion_window_in_days = 7

  tags = local.tags
}
