# Strongbox in a real AWS account. Credentials come from the default chain
# (AWS_PROFILE, SSO, environment, instance role); the deployer needs rights to
# create the buckets, the key and the roles.

provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

# For strongbox-outputs.tf: AWS's own endpoints, and an MFA prompt whenever
# the Admin trust policy demands MFA.
locals {
  endpoint_url           = null
  cli_admin_mfa_required = module.strongbox.admin_mfa_required
}

module "strongbox" {
  source = "../../modules/strongbox"

  name_prefix                   = var.name_prefix
  bucket_name                   = var.bucket_name
  role_principals               = var.role_principals
  admin_require_mfa             = var.admin_require_mfa
  require_source_identity       = var.require_source_identity
  admin_mfa_max_age_seconds     = var.admin_mfa_max_age_seconds
  source_identity_binding       = var.source_identity_binding
  source_identity_principal_tag = var.source_identity_principal_tag
  uploader_can_overwrite        = var.uploader_can_overwrite
  allow_archive_storage_classes = var.allow_archive_storage_classes
  max_session_duration          = var.max_session_duration
  max_signature_age_ms          = var.max_signature_age_ms
  object_lifecycle              = var.object_lifecycle
  cors_allowed_origins          = var.cors_allowed_origins
  kms_administrator_arns        = var.kms_administrator_arns
  notification_emails           = { alerts = var.alert_emails, activity = var.activity_emails }
  tags                          = var.tags
}
