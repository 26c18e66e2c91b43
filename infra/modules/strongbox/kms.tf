# The customer-managed key behind the bucket's default encryption.
#
# Key policy, in fragments:
# - key administrators manage the key but cannot encrypt or decrypt with it;
# - each role uses it only through S3 in this region, for this bucket;
# - services added by other files (CloudTrail, CloudWatch Logs, SNS publishers)
#   append their own scoped statements to local.kms_service_statements.

locals {
  kms_administrators = length(var.kms_administrator_arns) > 0 ? var.kms_administrator_arns : ["arn:${local.partition}:iam::${local.account_id}:root"]

  # What each role may do with the key; S3 calls KMS with the caller's credentials.
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

  kms_policy_statements = concat(
    [
      {
        Sid       = "KeyAdministration"
        Effect    = "Allow"
        Principal = { AWS = local.kms_administrators }
        # Management only: no Encrypt/Decrypt/GenerateDataKey/ReEncrypt, no CreateGrant.
        Action = [
          "kms:CancelKeyDeletion",
          "kms:CreateAlias",
          "kms:DeleteAlias",
          "kms:DescribeKey",
          "kms:DisableKey",
          "kms:DisableKeyRotation",
          "kms:EnableKey",
          "kms:EnableKeyRotation",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListGrants",
          "kms:ListKeyPolicies",
          "kms:ListKeyRotations",
          "kms:ListResourceTags",
          "kms:PutKeyPolicy",
          "kms:RevokeGrant",
          "kms:RotateKeyOnDemand",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:UpdateAlias",
          "kms:UpdateKeyDescription",
        ]
        Resource = "*" # in a key policy, "*" is this key
      },
    ],
    [
      for role, actions in local.kms_role_actions : {
        Sid       = "RoleUseViaS3${title(role)}"
        Effect    = "Allow"
        Principal = { AWS = local.role_arns[role] }
        Action    = actions
        Resource  = "*"
        Condition = local.kms_via_s3_condition
      }
    ],
    local.kms_service_statements,
  )

  # Hook for the monitoring files: CloudTrail, CloudWatch Logs and SNS publisher
  # statements, each scoped by aws:SourceArn or encryption context (trail.tf).
  kms_service_statements = local.monitoring_kms_statements
}

resource "aws_kms_key" "this" {
  description             = "Strongbox ${var.name_prefix}: default encryption of the main bucket"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = jsonencode({ Version = "2012-10-17", Statement = local.kms_policy_statements })
  tags                    = local.tags

  # KMS rejects a key policy naming principals that do not exist yet.
  depends_on = [aws_iam_role.this]
}

resource "aws_kms_alias" "this" {
  name          = local.kms_alias
  target_key_id = aws_kms_key.this.key_id
}
