# The data side: buckets, the data key, the roles and their policies. First the
# module's security decisions with default inputs, then the inputs that change
# them and the inputs it must refuse.
# Runs offline: the AWS provider is mocked, with the values the assertions use.
# Runs are `command = apply` against the mocked provider (nothing leaves the machine):
# HashiCorp Terraform leaves a mock's computed attributes unknown at plan time, so
# plan-mode assertions on them fail there ("Unknown condition value"); applied mocks
# have values on both engines. Runs that expect a validation failure stay on plan.

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
  tags = { Owner = "tests" }
}

run "buckets_are_private_versioned_and_encrypted" {
  command = apply

  assert {
    condition = alltrue([
      for pab in [aws_s3_bucket_public_access_block.main, module.access_log_bucket.public_access_block] :
      pab.block_public_acls && pab.block_public_policy && pab.ignore_public_acls && pab.restrict_public_buckets
    ])
    error_message = "Every bucket must have all four public access blocks on."
  }

  assert {
    condition = alltrue([
      for ownership in [one(aws_s3_bucket_ownership_controls.main.rule).object_ownership, module.access_log_bucket.object_ownership] :
      ownership == "BucketOwnerEnforced"
    ])
    error_message = "Every bucket must disable ACLs (BucketOwnerEnforced)."
  }

  assert {
    condition = alltrue([
      for status in [one(aws_s3_bucket_versioning.main.versioning_configuration).status, module.access_log_bucket.versioning_status] :
      status == "Enabled"
    ])
    error_message = "Every bucket must be versioned."
  }

  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_server_side_encryption_configuration.main.rule :
      one(rule.apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
      && one(rule.apply_server_side_encryption_by_default).kms_master_key_id == aws_kms_key.this.arn
      && rule.bucket_key_enabled
    ])
    error_message = "The main bucket's default encryption must be SSE-KMS with the module's key and a bucket key."
  }

  assert {
    condition = alltrue([
      for sse_algorithm in module.access_log_bucket.sse_algorithms : sse_algorithm == "AES256"
    ])
    error_message = "The access-log bucket must use SSE-S3, the only encryption S3 server access logging delivers to."
  }

  assert {
    condition     = !aws_s3_bucket.main.force_destroy && !module.access_log_bucket.force_destroy
    error_message = "Buckets must not be force-destroyed by default."
  }

  assert {
    condition     = aws_s3_bucket.main.bucket == "strongbox-111122223333-eu-west-1" && module.access_log_bucket.bucket == "strongbox-access-logs-111122223333-eu-west-1"
    error_message = "Bucket names derive from name_prefix, account and region."
  }

  assert {
    condition     = aws_s3_bucket_logging.main.target_bucket == module.access_log_bucket.id
    error_message = "The main bucket must log access to the access-log bucket."
  }
}

run "key_rotates_and_is_used_only_via_s3" {
  command = apply

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_alias.this.name == "alias/strongbox"
    error_message = "The key must rotate and carry the alias alias/<name_prefix>."
  }

  assert {
    condition = length(setintersection(
      toset(flatten([for s in jsondecode(aws_kms_key.this.policy).Statement : s.Action if s.Sid == "KeyAdministration"])),
      toset(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncrypt*", "kms:CreateGrant", "kms:*"]),
    )) == 0
    error_message = "Key administrators must not be able to use the key for data or grant it."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
      && s.Condition.StringEquals["kms:CallerAccount"] == "111122223333"
      if startswith(s.Sid, "RoleUseViaS3")
    ])
    error_message = "Roles may use the key only via S3 in this region."
  }

  assert {
    condition = jsonencode({
      for s in jsondecode(aws_kms_key.this.policy).Statement : s.Sid => sort(s.Action) if startswith(s.Sid, "RoleUseViaS3")
      }) == jsonencode({
      RoleUseViaS3Uploader = ["kms:Decrypt", "kms:GenerateDataKey"]
      RoleUseViaS3Viewer   = ["kms:Decrypt"]
      RoleUseViaS3Admin    = ["kms:Decrypt", "kms:GenerateDataKey"]
    })
    error_message = "Key use per role: uploader and admin GenerateDataKey+Decrypt, viewer Decrypt."
  }
}

run "bucket_policy_denies_misuse" {
  command = apply

  assert {
    condition = toset([for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s.Sid]) == toset([
      "DenyInsecureTransport",
      "DenyAnythingButSigV4",
      "DenyWritesNamingAnotherKmsKey",
      "DenyWritesNamingAnotherAlgorithm",
      "DenyWritesNamingKmsWithoutThisKey",
      "DenyPresignedUrlsOlderThanMaxAge",
      "DenyPermanentDeleteWithoutMfa",
      "DenyPermanentDeleteWithStaleMfa",
      "DenyWritesWithCustomerProvidedKeys",
      "DenyWritesInStorageClassesNoRoleCanRead",
    ])
    error_message = "The bucket policy must hold exactly the deny rules of the module."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s.Effect == "Deny"])
    error_message = "The bucket policy grants nothing; access comes from the roles' identity policies."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s.Condition.Bool["aws:SecureTransport"] if s.Sid == "DenyInsecureTransport"
    ]) == "false"
    error_message = "Plain HTTP must be denied."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement : s.Condition.StringNotEquals["s3:signatureversion"] if s.Sid == "DenyAnythingButSigV4"
    ]) == "AWS4-HMAC-SHA256"
    error_message = "Anything but SigV4 must be denied."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      s.Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"] == aws_kms_key.this.arn
      && s.Condition.Null["s3:x-amz-server-side-encryption-aws-kms-key-id"] == "false"
      if s.Sid == "DenyWritesNamingAnotherKmsKey"
    ])
    error_message = "A write naming another KMS key must be denied, and only when a key is named."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      s.Condition.StringNotEquals["s3:x-amz-server-side-encryption"] == "aws:kms"
      if s.Sid == "DenyWritesNamingAnotherAlgorithm"
    ])
    error_message = "A write naming another encryption algorithm must be denied."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      s.Condition.NumericGreaterThan["s3:signatureAge"] == "3600000" && s.Condition.StringEquals["s3:authType"] == "REST-QUERY-STRING"
      if s.Sid == "DenyPresignedUrlsOlderThanMaxAge"
    ])
    error_message = "Pre-signed URLs older than max_signature_age_ms (default one hour) must be denied."
  }

  assert {
    condition = toset([for s in jsondecode(module.access_log_bucket.policy).Statement : s.Sid]) == toset([
      "DenyInsecureTransport", "AllowServerAccessLogsFromMainBucket", "AllowServerAccessLogsFromTrailLogBucket",
    ])
    error_message = "The access-log bucket admits only TLS and S3's log delivery."
  }

  assert {
    condition = {
      for s in jsondecode(module.access_log_bucket.policy).Statement :
      s.Condition.ArnLike["aws:SourceArn"] => s.Resource
      if s.Effect == "Allow" && try(s.Principal.Service, "") == "logging.s3.amazonaws.com" && try(s.Condition.StringEquals["aws:SourceAccount"], "") == "111122223333"
      } == {
      "arn:aws:s3:::strongbox-111122223333-eu-west-1"            = "arn:aws:s3:::strongbox-access-logs-111122223333-eu-west-1/s3/strongbox-111122223333-eu-west-1/*"
      "arn:aws:s3:::strongbox-trail-logs-111122223333-eu-west-1" = "arn:aws:s3:::strongbox-access-logs-111122223333-eu-west-1/s3/strongbox-trail-logs-111122223333-eu-west-1/*"
    }
    error_message = "Log delivery must be scoped to the main and trail log buckets, each under its own prefix, and this account."
  }
}

run "roles_follow_the_access_contract" {
  command = apply

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role.this["admin"].assume_role_policy).Statement :
      s.Condition.Bool["aws:MultiFactorAuthPresent"] == "true" && s.Condition.NumericLessThan["aws:MultiFactorAuthAge"] == "900"
    ])
    error_message = "Assuming Admin must require an MFA at most 15 minutes old by default."
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer"] : !can(jsondecode(aws_iam_role.this[role].assume_role_policy).Statement[0].Condition.Bool)
    ])
    error_message = "Only Admin demands MFA."
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer", "admin"] :
      length(jsondecode(aws_iam_role.this[role].assume_role_policy).Statement) == 1
      && contains(jsondecode(aws_iam_role.this[role].assume_role_policy).Statement[0].Action, "sts:SetSourceIdentity")
      && jsondecode(aws_iam_role.this[role].assume_role_policy).Statement[0].Condition.StringEquals["sts:SourceIdentity"] == "$${aws:username}"
    ])
    error_message = "Every role must allow, and by default require, a SourceIdentity equal to the caller's IAM user name."
  }

  assert {
    condition     = jsondecode(aws_iam_role.this["viewer"].assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::111122223333:user/bob"]
    error_message = "A role trusts exactly the principals given for it."
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer", "admin"] :
      aws_iam_role.this[role].max_session_duration == 3600 && aws_iam_role.this[role].name == "strongbox-${role}"
    ])
    error_message = "Roles are named <prefix>-<role> with a one-hour session by default."
  }

  assert {
    condition = jsonencode({
      for role in ["uploader", "viewer", "admin"] : role => sort(distinct(flatten([
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
        [for action in flatten([s.Action]) : action if startswith(action, "s3:")] if s.Effect == "Allow"
      ])))
      }) == jsonencode({
      uploader = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"]
      viewer   = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"]
      admin = [
        "s3:AbortMultipartUpload", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetBucketPolicy", "s3:GetObject",
        "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions",
        "s3:ListMultipartUploadParts", "s3:PutObject",
      ]
    })
    error_message = "S3 permissions per role must match ARCHITECTURE §2 exactly (the Admin also lists unfinished uploads, and reads the bucket policy for `strongbox access`)."
  }

  assert {
    condition = jsonencode({
      for role in ["uploader", "viewer", "admin"] : role => sort(distinct(flatten([
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
        [for action in flatten([s.Action]) : action if startswith(action, "iam:")] if s.Effect == "Allow"
      ])))
      }) == jsonencode({
      uploader = []
      viewer   = []
      admin = [
        "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies",
        "iam:ListRolePolicies", "iam:SimulateCustomPolicy",
      ]
    })
    error_message = "Only the Admin reads IAM, and only what `strongbox access` needs."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s
      if s.Effect == "Allow" && try(s.Principal.AWS, "") == "arn:aws:iam::111122223333:role/strongbox-admin" && flatten([s.Action]) == ["kms:GetKeyPolicy"]
    ]) == 1
    error_message = "The data key's policy lets the Admin role read it (`strongbox access`), and nothing more in that statement."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["admin"].policy).Statement :
      s.Condition.Bool["aws:MultiFactorAuthPresent"] == "true" && s.Condition.NumericLessThan["aws:MultiFactorAuthAge"] == "900"
      if s.Effect == "Allow" && contains(flatten([s.Action]), "s3:DeleteObjectVersion")
    ])
    error_message = "Admin may delete a version permanently only with a fresh MFA (at most 900 s old by default)."
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer", "admin"] : anytrue([
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
        s.Effect == "Deny" && length(setsubtract([
          "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning",
          "s3:PutBucketPublicAccessBlock", "s3:PutLifecycleConfiguration",
        ], flatten([s.Action]))) == 0
      ])
    ])
    error_message = "No role may change the bucket's policy, encryption, versioning, public access block or lifecycle."
  }

  assert {
    condition = alltrue(flatten([
      for role in ["uploader", "viewer", "admin"] : [
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
        s.Resource == aws_kms_key.this.arn && s.Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
        if s.Effect == "Allow" && startswith(flatten([s.Action])[0], "kms:")
      ]
    ]))
    error_message = "Identity policies grant KMS only on the module's key, only via S3 in this region."
  }
}

run "audit_findings_are_closed_by_default" {
  command = apply

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.this["uploader"].policy).Statement :
      s.Condition.Bool["s3:ObjectCreationOperation"] == "true" && s.Condition.StringNotEquals["s3:if-none-match"] == "*"
      && flatten([s.Action]) == ["s3:PutObject"] && s.Resource == "arn:aws:s3:::strongbox-111122223333-eu-west-1/*"
      if s.Effect == "Deny" && s.Sid == "DenyWritesThatMayReplaceAnObject"
    ])
    error_message = "The Uploader's object-creating writes must carry If-None-Match: * (create-only)."
  }

  assert {
    condition = alltrue([
      for role in ["viewer", "admin"] : length([
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement : s if s.Sid == "DenyWritesThatMayReplaceAnObject"
      ]) == 0
    ])
    error_message = "Only the Uploader is create-only; the Admin may replace a key."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      s.Condition.Null["s3:x-amz-server-side-encryption-customer-algorithm"] == "false" && s.Principal == "*" && s.Action == "s3:PutObject"
      if s.Sid == "DenyWritesWithCustomerProvidedKeys"
    ])
    error_message = "Every SSE-C write must be refused."
  }

  assert {
    condition     = jsonencode(one([for r in aws_s3_bucket_server_side_encryption_configuration.main.rule : r.blocked_encryption_types])) == jsonencode(["SSE-C"])
    error_message = "The bucket itself blocks SSE-C by default."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      toset(s.Condition.StringEquals["s3:x-amz-storage-class"]) == toset(["GLACIER", "DEEP_ARCHIVE"])
      if s.Sid == "DenyWritesInStorageClassesNoRoleCanRead"
    ])
    error_message = "Writes in GLACIER or DEEP_ARCHIVE must be refused by default."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_s3_bucket_policy.main[0].policy).Statement :
      s.Condition.NumericGreaterThanIfExists["aws:MultiFactorAuthAge"] == "900"
      && length(s.Condition.ArnEquals["aws:PrincipalArn"]) == 3
      if s.Sid == "DenyPermanentDeleteWithStaleMfa"
    ])
    error_message = "A permanent delete with an MFA older than the window (or of unknown age) must be refused by the bucket too."
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer", "admin"] : alltrue([
        for sid, pattern in {
          DenyTrailChanges         = "arn:aws:cloudtrail:*:111122223333:trail/strongbox-*"
          DenyAlarmChanges         = "arn:aws:cloudwatch:*:111122223333:alarm:strongbox-*"
          DenyEventRuleChanges     = "arn:aws:events:*:111122223333:rule/strongbox-*"
          DenyTopicChanges         = "arn:aws:sns:*:111122223333:strongbox-*"
          DenyTrailLogGroupChanges = "arn:aws:logs:*:111122223333:log-group:/aws/cloudtrail/strongbox*"
          } : anytrue([
            for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
            s.Effect == "Deny" && s.Sid == sid && contains(flatten([s.Resource]), pattern)
        ])
      ])
    ])
    error_message = "No role may change the trail, its log group, the alarms, the rule or the topics (by name prefix)."
  }

  assert {
    condition = alltrue([
      for role in ["uploader", "viewer", "admin"] : anytrue([
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
        s.Effect == "Deny" && toset(flatten([s.Action])) == toset(["s3:PutBucketNotification", "s3:PutReplicationConfiguration"])
        && contains(flatten([s.Resource]), "arn:aws:s3:::strongbox-111122223333-eu-west-1")
      ])
    ])
    error_message = "No role may change bucket notifications or replication."
  }
}

run "tags_reach_every_taggable_resource" {
  command = apply

  assert {
    condition = alltrue([
      for tags in concat(
        [aws_kms_key.this.tags, aws_s3_bucket.main.tags, module.access_log_bucket.tags],
        [for r in aws_iam_role.this : r.tags],
      ) : tags["Owner"] == "tests"
    ])
    error_message = "var.tags must be on the key, both buckets and every role."
  }
}

run "lifecycle_and_cors_defaults" {
  command = apply

  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.main[0].rule :
      one(r.abort_incomplete_multipart_upload).days_after_initiation
    ]) == 7
    error_message = "Incomplete multipart uploads are aborted after 7 days by default."
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_lifecycle_configuration.main[0].rule : length(r.noncurrent_version_expiration) == 0
    ])
    error_message = "Noncurrent versions are kept by default: an overwrite or a delete never destroys data on a schedule."
  }

  assert {
    condition = alltrue([
      for rule in aws_s3_bucket_cors_configuration.main[0].cors_rule :
      contains(rule.expose_headers, "ETag") && contains(rule.expose_headers, "x-amz-version-id")
      && contains(rule.expose_headers, "x-amz-checksum-sha256")
      && contains(rule.allowed_headers, "x-amz-checksum-sha256")
      && toset(rule.allowed_origins) == toset(["http://127.0.0.1:8787"])
      && toset(rule.allowed_methods) == toset(["GET", "PUT", "HEAD"])
    ])
    error_message = "CORS admits the local web page for GET, PUT and HEAD only, allows and exposes the SHA-256 checksum, and exposes ETag and the version id."
  }
}

################################################################################
# Inputs that change the decisions, and inputs the module must refuse
################################################################################

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
    emulator_workarounds          = { block_sse_c = false }
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
    emulator_workarounds = { create_lifecycle_configurations = false }
  }

  assert {
    condition = (
      length(aws_s3_bucket_lifecycle_configuration.main) == 0
      && length(module.access_log_bucket.lifecycle_expiration_days) == 0
      && length(module.trail_log_bucket.lifecycle_expiration_days) == 0
    )
    error_message = "emulator_workarounds.create_lifecycle_configurations = false must leave out all three buckets' lifecycle configurations."
  }
}

run "bucket_policy_can_be_left_unattached_for_an_emulator" {
  command = apply

  variables {
    emulator_workarounds = { attach_bucket_policy = false }
  }

  assert {
    condition     = length(aws_s3_bucket_policy.main) == 0
    error_message = "emulator_workarounds.attach_bucket_policy = false must not attach the bucket policy."
  }

  assert {
    condition     = contains([for s in jsondecode(output.bucket_policy_json).Statement : s.Sid], "DenyInsecureTransport")
    error_message = "The rendered bucket policy must still be output when it is not attached."
  }
}

################################################################################
# Invalid inputs. Each run sets one bad value for each of several variables;
# expect_failures fails the run unless every listed variable reports its own
# validation error, so each case is still checked alone (fewer plans to run).
################################################################################

run "rejects_invalid_inputs_a" {
  command = plan

  variables {
    # an unknown source identity binding
    source_identity_binding = ["session_name"]
    # an aws principal tag
    source_identity_principal_tag = "aws:username"
    # an mfa window under a minute
    admin_mfa_max_age_seconds = 30
    # a principal that is not an arn
    role_principals = { uploader = ["alice"], viewer = ["arn:aws:iam::111122223333:user/bob"], admin = ["arn:aws:iam::111122223333:root"] }
    # a session shorter than an hour
    max_session_duration = 900
    # a signature age beyond sigv4s seven days
    max_signature_age_ms = 604800001
    # a wildcard cors origin
    cors_allowed_origins = ["*"]
    # a name prefix unfit for bucket names
    name_prefix = "Strong_Box"
    # an invalid bucket name
    bucket_name = "Not A Bucket"
    # a transition after expiration
    object_lifecycle = {
      noncurrent_version_expiration_days = 30
      noncurrent_version_transition      = { days = 60, storage_class = "STANDARD_IA" }
    }
    # a kms deletion window under seven days
    kms_deletion_window_in_days = 3
    # a kms administrator that is not an arn
    kms_administrator_arns = ["admin@example.com"]
  }

  expect_failures = [
    var.source_identity_binding,
    var.source_identity_principal_tag,
    var.admin_mfa_max_age_seconds,
    var.role_principals,
    var.max_session_duration,
    var.max_signature_age_ms,
    var.cors_allowed_origins,
    var.name_prefix,
    var.bucket_name,
    var.object_lifecycle,
    var.kms_deletion_window_in_days,
    var.kms_administrator_arns,
  ]
}

run "rejects_invalid_inputs_b" {
  command = plan

  variables {
    # an empty source identity binding
    source_identity_binding = []
    # a wildcard principal
    role_principals = { uploader = ["*"], viewer = ["arn:aws:iam::111122223333:user/bob"], admin = ["arn:aws:iam::111122223333:root"] }
    # a session longer than twelve hours
    max_session_duration = 43201
    # a cors origin with a path
    cors_allowed_origins = ["https://example.com/app"]
    # an unknown storage class
    object_lifecycle = {
      noncurrent_version_transition = { days = 30, storage_class = "COLD" }
    }
  }

  expect_failures = [
    var.source_identity_binding,
    var.role_principals,
    var.max_session_duration,
    var.cors_allowed_origins,
    var.object_lifecycle,
  ]
}

run "rejects_invalid_inputs_c" {
  command = plan

  variables {
    # a role without principals
    role_principals = { uploader = [], viewer = ["arn:aws:iam::111122223333:user/bob"], admin = ["arn:aws:iam::111122223333:root"] }
    # a negative noncurrent expiration
    object_lifecycle = { noncurrent_version_expiration_days = -1 }
  }

  expect_failures = [
    var.role_principals,
    var.object_lifecycle,
  ]
}

run "rejects_invalid_inputs_d" {
  command = plan

  variables {
    # a multipart abort of zero days
    object_lifecycle = { abort_incomplete_multipart_days = 0 }
  }

  expect_failures = [
    var.object_lifecycle,
  ]
}
