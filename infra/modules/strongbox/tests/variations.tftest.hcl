# Inputs that change the module's decisions, and inputs it must refuse.
# Offline: the AWS provider is mocked; see defaults.tftest.hcl on apply runs.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333", arn = "arn:aws:sts::111122223333:assumed-role/deployer/terraform" }
  }
  mock_data "aws_iam_session_context" {
    defaults = { issuer_arn = "arn:aws:iam::111122223333:role/deployer" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/0b7e5c5e-1111-2222-3333-444455556666"
      key_id = "0b7e5c5e-1111-2222-3333-444455556666"
    }
  }
  # ARNs the provider validates when other resources reference them.
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111122223333:strongbox-alerts" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mocked" }
  }
}

variables {
  role_principals = {
    uploader = ["arn:aws:iam::111122223333:user/alice"]
    viewer   = ["arn:aws:iam::111122223333:user/bob"]
    admin    = ["arn:aws:iam::111122223333:role/security-admins"]
  }
}

run "admin_mfa_can_be_relaxed_for_an_emulator" {
  command = apply
  variables {
    admin_require_mfa       = false
    require_source_identity = false
  }

  assert {
    condition     = !can(jsondecode(aws_iam_role.this["admin"].assume_role_policy).Statement[0].Condition)
    error_message = "With admin_require_mfa and require_source_identity off, the trust policy has no condition."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["admin"].policy).Statement :
      s.Condition.Bool["aws:MultiFactorAuthPresent"] if s.Effect == "Allow" && contains(flatten([s.Action]), "s3:DeleteObjectVersion")
    ]) == "true"
    error_message = "Permanent version delete still needs MFA in the session, whatever the trust policy says."
  }
}

run "source_identity_binding_forms_and_mfa_window" {
  command = apply
  variables {
    source_identity_binding       = ["user_name", "principal_tag"]
    source_identity_principal_tag = "email"
    admin_mfa_max_age_seconds     = 300
  }

  assert {
    condition = jsonencode(sort([
      for s in jsondecode(aws_iam_role.this["viewer"].assume_role_policy).Statement : s.Condition.StringEquals["sts:SourceIdentity"]
    ])) == jsonencode(["$${aws:PrincipalTag/email}", "$${aws:username}"])
    error_message = "Each binding form is its own trust statement (either form may assume): the user name, the principal tag."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role.this["admin"].assume_role_policy).Statement :
      s.Condition.NumericLessThan["aws:MultiFactorAuthAge"] == "300" && s.Principal.AWS == ["arn:aws:iam::111122223333:role/security-admins"]
    ])
    error_message = "Every Admin trust statement carries the MFA window and the Admin principals."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      s.Condition.NumericGreaterThanIfExists["aws:MultiFactorAuthAge"] if s.Sid == "DenyPermanentDeleteWithStaleMfa"
    ]) == "300"
    error_message = "The bucket's stale-MFA denial follows admin_mfa_max_age_seconds."
  }
}

run "principal_tag_only_binding" {
  command = apply
  variables {
    source_identity_binding = ["principal_tag"]
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer", "admin"] :
      jsonencode([for s in jsondecode(aws_iam_role.this[role].assume_role_policy).Statement : s.Condition.StringEquals["sts:SourceIdentity"]]) == jsonencode(["$${aws:PrincipalTag/strongbox-user}"])
    ])
    error_message = "With the principal_tag form alone, the SourceIdentity must equal the strongbox-user principal tag."
  }
}

run "overwrites_archive_classes_and_sse_c_block_are_variables" {
  command = apply
  variables {
    uploader_can_overwrite        = true
    allow_archive_storage_classes = true
    block_sse_c                   = false
  }

  assert {
    condition = length([
      for s in jsondecode(aws_iam_role_policy.this["uploader"].policy).Statement : s if s.Sid == "DenyWritesThatMayReplaceAnObject"
    ]) == 0
    error_message = "uploader_can_overwrite lifts the create-only rule."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s if s.Sid == "DenyWritesInStorageClassesNoRoleCanRead"
    ]) == 0
    error_message = "allow_archive_storage_classes lifts the storage-class denial."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s if s.Sid == "DenyWritesWithCustomerProvidedKeys"
    ]) == 1
    error_message = "Without the bucket-level SSE-C block, the bucket policy still refuses SSE-C."
  }
}

run "rejects_an_unknown_source_identity_binding" {
  command = plan
  variables {
    source_identity_binding = ["session_name"]
  }
  expect_failures = [var.source_identity_binding]
}

run "rejects_an_empty_source_identity_binding" {
  command = plan
  variables {
    source_identity_binding = []
  }
  expect_failures = [var.source_identity_binding]
}

run "rejects_an_aws_principal_tag" {
  command = plan
  variables {
    source_identity_principal_tag = "aws:username"
  }
  expect_failures = [var.source_identity_principal_tag]
}

run "rejects_an_mfa_window_under_a_minute" {
  command = plan
  variables {
    admin_mfa_max_age_seconds = 30
  }
  expect_failures = [var.admin_mfa_max_age_seconds]
}

run "signature_age_rule_is_optional" {
  command = apply
  variables {
    max_signature_age_ms = null
  }

  assert {
    condition     = !contains([for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s.Sid], "DenyPresignedUrlsOlderThanMaxAge")
    error_message = "max_signature_age_ms = null drops the signature-age rule."
  }

  assert {
    condition     = contains([for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s.Sid], "DenyInsecureTransport")
    error_message = "Dropping the signature-age rule keeps the others."
  }
}

run "custom_names_sessions_and_lifecycle" {
  command = apply
  variables {
    name_prefix          = "vault"
    bucket_name          = "my-vault-bucket"
    max_session_duration = 43200
    cors_allowed_origins = []
    force_destroy        = true
    object_lifecycle = {
      abort_incomplete_multipart_days    = 2
      noncurrent_version_expiration_days = 365
      newer_noncurrent_versions_to_keep  = 3
      noncurrent_version_transition      = { days = 30, storage_class = "GLACIER_IR" }
    }
  }

  assert {
    condition     = aws_s3_bucket.main.bucket == "my-vault-bucket" && aws_iam_role.this["admin"].name == "vault-admin" && aws_kms_alias.this.name == "alias/vault"
    error_message = "Names follow bucket_name and name_prefix."
  }

  assert {
    condition     = aws_iam_role.this["viewer"].max_session_duration == 43200
    error_message = "max_session_duration reaches the roles."
  }

  assert {
    condition     = length(aws_s3_bucket_cors_configuration.main) == 0
    error_message = "No origins, no CORS rule."
  }

  assert {
    condition     = aws_s3_bucket.main.force_destroy
    error_message = "force_destroy reaches the bucket."
  }

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.main[0].rule :
      one(r.noncurrent_version_transition).storage_class == "GLACIER_IR"
      && one(r.noncurrent_version_transition).noncurrent_days == 30
      && one(r.noncurrent_version_expiration).noncurrent_days == 365
      && one(r.noncurrent_version_expiration).newer_noncurrent_versions == 3
      && one(r.abort_incomplete_multipart_upload).days_after_initiation == 2
    ])
    error_message = "Noncurrent-version lifecycle follows object_lifecycle."
  }
}

run "noncurrent_versions_can_be_kept_forever" {
  command = apply
  variables {
    object_lifecycle = { noncurrent_version_expiration_days = 0 }
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_lifecycle_configuration.main[0].rule :
      length(r.noncurrent_version_expiration) == 0 && length(r.noncurrent_version_transition) == 0
      && one(r.abort_incomplete_multipart_upload).days_after_initiation == 7
    ])
    error_message = "Without expiration or transition, noncurrent versions are kept and stale uploads still aborted."
  }
}

run "lifecycle_configurations_can_be_deferred" {
  command = apply
  variables {
    create_lifecycle_configurations = false
  }

  assert {
    condition = (
      length(aws_s3_bucket_lifecycle_configuration.main) == 0
      && length(module.access_log_bucket.lifecycle_expiration_days) == 0
      && length(module.trail_log_bucket.lifecycle_expiration_days) == 0
    )
    error_message = "create_lifecycle_configurations = false must leave out all three buckets' lifecycle configurations."
  }
}

run "rejects_a_principal_that_is_not_an_arn" {
  command = plan
  variables {
    role_principals = { uploader = ["alice"], viewer = ["arn:aws:iam::111122223333:user/bob"], admin = ["arn:aws:iam::111122223333:root"] }
  }
  expect_failures = [var.role_principals]
}

run "rejects_a_wildcard_principal" {
  command = plan
  variables {
    role_principals = { uploader = ["*"], viewer = ["arn:aws:iam::111122223333:user/bob"], admin = ["arn:aws:iam::111122223333:root"] }
  }
  expect_failures = [var.role_principals]
}

run "rejects_a_role_without_principals" {
  command = plan
  variables {
    role_principals = { uploader = [], viewer = ["arn:aws:iam::111122223333:user/bob"], admin = ["arn:aws:iam::111122223333:root"] }
  }
  expect_failures = [var.role_principals]
}

run "rejects_a_session_shorter_than_an_hour" {
  command = plan
  variables {
    max_session_duration = 900
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_a_session_longer_than_twelve_hours" {
  command = plan
  variables {
    max_session_duration = 43201
  }
  expect_failures = [var.max_session_duration]
}

run "rejects_a_signature_age_beyond_sigv4s_seven_days" {
  command = plan
  variables {
    max_signature_age_ms = 604800001
  }
  expect_failures = [var.max_signature_age_ms]
}

run "rejects_a_wildcard_cors_origin" {
  command = plan
  variables {
    cors_allowed_origins = ["*"]
  }
  expect_failures = [var.cors_allowed_origins]
}

run "rejects_a_cors_origin_with_a_path" {
  command = plan
  variables {
    cors_allowed_origins = ["https://example.com/app"]
  }
  expect_failures = [var.cors_allowed_origins]
}

run "rejects_a_name_prefix_unfit_for_bucket_names" {
  command = plan
  variables {
    name_prefix = "Strong_Box"
  }
  expect_failures = [var.name_prefix]
}

run "rejects_an_invalid_bucket_name" {
  command = plan
  variables {
    bucket_name = "Not A Bucket"
  }
  expect_failures = [var.bucket_name]
}

run "rejects_a_transition_after_expiration" {
  command = plan
  variables {
    object_lifecycle = {
      noncurrent_version_expiration_days = 30
      noncurrent_version_transition      = { days = 60, storage_class = "STANDARD_IA" }
    }
  }
  expect_failures = [var.object_lifecycle]
}

run "rejects_an_unknown_storage_class" {
  command = plan
  variables {
    object_lifecycle = {
      noncurrent_version_transition = { days = 30, storage_class = "COLD" }
    }
  }
  expect_failures = [var.object_lifecycle]
}

run "rejects_a_negative_noncurrent_expiration" {
  command = plan
  variables {
    object_lifecycle = { noncurrent_version_expiration_days = -1 }
  }
  expect_failures = [var.object_lifecycle]
}

run "rejects_a_multipart_abort_of_zero_days" {
  command = plan
  variables {
    object_lifecycle = { abort_incomplete_multipart_days = 0 }
  }
  expect_failures = [var.object_lifecycle]
}

run "rejects_a_kms_deletion_window_under_seven_days" {
  command = plan
  variables {
    kms_deletion_window_in_days = 3
  }
  expect_failures = [var.kms_deletion_window_in_days]
}

run "rejects_a_kms_administrator_that_is_not_an_arn" {
  command = plan
  variables {
    kms_administrator_arns = ["admin@example.com"]
  }
  expect_failures = [var.kms_administrator_arns]
}

run "bucket_policy_can_be_left_unattached_for_an_emulator" {
  command = apply

  variables {
    attach_bucket_policy = false
  }

  assert {
    condition     = length(aws_s3_bucket_policy.main) == 0
    error_message = "attach_bucket_policy = false must not attach the bucket policy."
  }

  assert {
    condition     = contains([for s in jsondecode(output.bucket_policy_json).Statement : s.Sid], "DenyInsecureTransport")
    error_message = "The rendered bucket policy must still be output when it is not attached."
  }
}
