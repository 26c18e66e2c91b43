# The three roles people assume: who may assume each, and what each may do.
# Capabilities follow the access contract (ARCHITECTURE §2).

locals {
  objects_arn = "${local.bucket_arn}/*"

  # Trust: the listed principals, recording who they are (SourceIdentity),
  # bound to the caller's own identity: one statement per binding form, so a
  # caller matching either form may assume (conditions within one statement
  # are ANDed). Admin sessions need a fresh MFA unless admin_require_mfa is false.
  source_identity_values = {
    user_name     = "$${aws:username}"
    principal_tag = "$${aws:PrincipalTag/${var.source_identity_principal_tag}}"
  }
  trust_forms = var.require_source_identity ? var.source_identity_binding : ["none"]

  admin_mfa_conditions = {
    Bool            = { "aws:MultiFactorAuthPresent" = "true" }
    NumericLessThan = { "aws:MultiFactorAuthAge" = tostring(var.admin_mfa_max_age_seconds) }
  }

  role_trust_conditions = {
    for role in keys(local.role_names) : role => {
      for form in local.trust_forms : form => merge(
        form == "none" ? {} : { StringEquals = { "sts:SourceIdentity" = local.source_identity_values[form] } },
        role == "admin" && var.admin_require_mfa ? local.admin_mfa_conditions : {},
      )
    }
  }

  role_trust_statements = {
    for role, by_form in local.role_trust_conditions : role => [
      for form, condition in by_form : merge(
        {
          Sid       = "AssumeBy${title(role)}Principals${form == "none" ? "" : replace(title(replace(form, "_", " ")), " ", "")}"
          Effect    = "Allow"
          Principal = { AWS = var.role_principals[role] }
          Action    = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
        },
        length(condition) > 0 ? { Condition = condition } : {},
      )
    ]
  }

  role_trust_policies = {
    for role in keys(local.role_names) : role => jsonencode({
      Version   = "2012-10-17"
      Statement = local.role_trust_statements[role]
    })
  }

  # Identity-policy fragments, one per capability of the contract table.
  identity_policy_fragments = {
    write_objects = [{
      Sid    = "WriteObjectsIncludingMultipart"
      Effect = "Allow"
      # PutObject covers CreateMultipartUpload, UploadPart and CompleteMultipartUpload.
      Action   = ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
      Resource = local.objects_arn
    }]

    # Create-only writes: PutObject and CompleteMultipartUpload (the requests
    # that make an object, s3:ObjectCreationOperation) must carry
    # If-None-Match: *, so S3 refuses them (412) when the key exists.
    # CreateMultipartUpload and UploadPart carry no conditional header and stay allowed.
    deny_overwrite = [{
      Sid      = "DenyWritesThatMayReplaceAnObject"
      Effect   = "Deny"
      Action   = "s3:PutObject"
      Resource = local.objects_arn
      Condition = {
        Bool            = { "s3:ObjectCreationOperation" = "true" }
        StringNotEquals = { "s3:if-none-match" = "*" }
      }
    }]

    read_objects = [
      {
        Sid      = "ReadObjectsAndVersions"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = local.objects_arn
      },
      {
        Sid      = "ListObjectsAndVersions"
        Effect   = "Allow"
        Action   = ["s3:ListBucket", "s3:ListBucketVersions"]
        Resource = local.bucket_arn
      },
    ]

    # The page's Admin view of multipart uploads never completed (they hold storage until aborted).
    list_unfinished_uploads = [{
      Sid      = "ListUnfinishedMultipartUploads"
      Effect   = "Allow"
      Action   = "s3:ListBucketMultipartUploads"
      Resource = local.bucket_arn
    }]

    delete_objects = [
      {
        Sid      = "DeleteObjectsWithDeleteMarker"
        Effect   = "Allow"
        Action   = "s3:DeleteObject"
        Resource = local.objects_arn
      },
      {
        Sid       = "DeleteVersionsPermanentlyWithMfa"
        Effect    = "Allow"
        Action    = "s3:DeleteObjectVersion"
        Resource  = local.objects_arn
        Condition = local.admin_mfa_conditions
      },
    ]

    # Defence in depth: whatever else gets attached to a role later, it cannot
    # reconfigure the buckets; that belongs to the deployer alone. The keys
    # need no identity deny: their policies do not delegate to IAM (an IAM
    # grant of kms:* reaches neither key) and deny kms:DisableKey,
    # ScheduleKeyDeletion and PutKeyPolicy to everyone but the key
    # administrators (kms.tf). A deny here would be shadowed by them, and the
    # access contract's mutation test showed it unseen.
    deny_reconfiguration = [
      {
        Sid    = "DenyBucketReconfiguration"
        Effect = "Deny"
        Action = [
          "s3:DeleteBucket",
          "s3:DeleteBucketPolicy",
          "s3:PutBucketAcl",
          "s3:PutBucketCORS",
          "s3:PutBucketLogging",
          "s3:PutBucketObjectLockConfiguration",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPolicy",
          "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
          "s3:PutObjectAcl",
          "s3:PutObjectVersionAcl",
        ]
        Resource = [local.bucket_arn, local.objects_arn, local.access_log_bucket_arn, "${local.access_log_bucket_arn}/*"]
      },
      {
        # Notifications and replication could copy the data elsewhere or
        # silence a consumer; on every bucket of the deployment.
        Sid      = "DenyNotificationAndReplicationChanges"
        Effect   = "Deny"
        Action   = ["s3:PutBucketNotification", "s3:PutReplicationConfiguration"]
        Resource = distinct([local.bucket_arn, local.monitoring_name_patterns.buckets])
      },
    ]
  }

  # What each role may do with the data key; S3 calls KMS with the caller's credentials.
  kms_role_actions = {
    uploader = ["kms:GenerateDataKey", "kms:Decrypt"] # multipart uploads need both
    viewer   = ["kms:Decrypt"]
    admin    = ["kms:GenerateDataKey", "kms:Decrypt"]
  }

  # Conditions shared by every role statement (key policy and identity policies alike).
  kms_via_s3_condition = {
    StringEquals = {
      "kms:ViaService"    = local.s3_via_service
      "kms:CallerAccount" = local.account_id
    }
    # With a bucket key the context is the bucket ARN, without one the object ARN.
    StringLike = {
      "kms:EncryptionContext:aws:s3:arn" = [local.bucket_arn, "${local.bucket_arn}/*"]
    }
  }

  # The data key's policy admits each role on the same terms as its identity
  # policy (kms_use_statement): through S3, for this bucket.
  iam_kms_statements = {
    data = [
      for role, actions in local.kms_role_actions : {
        Sid       = "RoleUseViaS3${title(role)}"
        Effect    = "Allow"
        Principal = { AWS = local.role_arns[role] }
        Action    = actions
        Condition = local.kms_via_s3_condition
      }
    ]
  }

  kms_use_statement = {
    for role, actions in local.kms_role_actions : role => [{
      Sid       = "UseKeyOnlyViaS3"
      Effect    = "Allow"
      Action    = actions
      Resource  = aws_kms_key.this.arn
      Condition = local.kms_via_s3_condition
    }]
  }

  role_capabilities = {
    uploader = concat(["write_objects"], var.uploader_can_overwrite ? [] : ["deny_overwrite"])
    viewer   = ["read_objects"]
    admin    = ["write_objects", "read_objects", "delete_objects", "list_unfinished_uploads"]
  }

  role_policies = {
    for role, capabilities in local.role_capabilities : role => jsonencode({
      Version = "2012-10-17"
      Statement = concat(
        flatten([for capability in capabilities : local.identity_policy_fragments[capability]]),
        local.kms_use_statement[role],
        flatten([for concern, statements in local.role_statements_by_concern : lookup(statements, role, [])]),
        local.identity_policy_fragments.deny_reconfiguration,
        local.deny_monitoring_changes,
      )
    })
  }

  # Statements other concerns' files write for a role ({ <role> = [...] }), by
  # the file that writes them, joined into that role's policy above.
  role_statements_by_concern = {
    queries      = local.queries_role_statements      # queries.tf: the Admin's audit reads
    access_check = local.access_check_role_statements # access-check.tf: what `strongbox access` reads
  }
}

resource "aws_iam_role" "this" {
  for_each = local.role_names

  name                 = each.value
  description          = "Strongbox ${each.key} of ${local.bucket_name}"
  assume_role_policy   = local.role_trust_policies[each.key]
  max_session_duration = var.max_session_duration
  tags                 = merge(local.tags, { "strongbox:role" = each.key })
}

resource "aws_iam_role_policy" "this" {
  for_each = local.role_names

  name   = "${each.value}-access"
  role   = aws_iam_role.this[each.key].id
  policy = local.role_policies[each.key]
}
