# Two customer-managed keys, so that no single key can blind the system:
#
# - the data key (aws_kms_key.this) encrypts the main bucket, and the small
#   "key guard" topic that reports changes to the monitoring key;
# - the monitoring key (aws_kms_key.monitoring) encrypts the trail's log files,
#   the trail log bucket, the trail's log group and the alarm and activity
#   topics, and so carries the alarm about changes to the data key.
#
# Disabling either key is reported through a topic the other key encrypts
# (notifications.tf), by an EventBridge rule on CloudTrail's management events,
# which reach EventBridge even when the trail cannot deliver any more.
#
# Key policy of each: the two statements written here, then the statements
# each concern's file writes for the keys it uses, joined by name below
# (kms_statements_by_concern):
# - key administrators (kms_administrator_arns, plus the deployer by default)
#   manage the key but cannot encrypt or decrypt with it;
# - nobody else may disable it, schedule its deletion or change its policy
#   (an explicit Deny, whatever IAM policies say);
# - iam.tf: each role uses the data key only through S3 in this region, for this bucket;
# - trail.tf, trail-replication.tf, notifications.tf: the services (CloudTrail,
#   CloudWatch Logs, S3 replication, the topics' publishers) and the trail log
#   readers, each scoped to this deployment's resources.

# Who runs Terraform, as the IAM principal a key policy can name: for an
# assumed-role session, the role (with its path), not the session.
data "aws_iam_session_context" "deployer" {
  arn = data.aws_caller_identity.current.arn
}

locals {
  kms_deployer_arn = data.aws_iam_session_context.deployer.issuer_arn
  kms_administrators = distinct(concat(
    var.kms_deployer_is_administrator ? [local.kms_deployer_arn] : [],
    var.kms_administrator_arns,
  ))

  # The three calls that blind the system: what the lockout guard denies.
  kms_guarded_actions = ["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"]

  monitoring_kms_alias = "alias/${var.name_prefix}-monitoring"

  # Both keys start with these two statements.
  kms_administration_statements = [
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
    },
    {
      # Whatever an IAM policy or a later key-policy statement grants: only the
      # administrators can switch the key off, delete it or rewrite this policy.
      # (aws:PrincipalArn of a role session is the role's ARN.)
      Sid       = "DenyKeyLockoutExceptAdministrators"
      Effect    = "Deny"
      Principal = "*"
      Action    = local.kms_guarded_actions
      Condition = { ArnNotEquals = { "aws:PrincipalArn" = local.kms_administrators } }
    },
  ]

  # Each concern's statements for each key ({ data = [...], monitoring = [...] }),
  # by the file that writes them.
  kms_statements_by_concern = {
    roles         = local.iam_kms_statements               # iam.tf
    trail         = local.trail_kms_statements             # trail.tf
    replication   = local.trail_replication_kms_statements # trail-replication.tf
    notifications = local.notifications_kms_statements     # notifications.tf
    access_check  = local.access_check_kms_statements      # access-check.tf
  }

  # Every statement is about the key itself: in a key policy, Resource "*" is
  # this key, so the statements above and the concerns' leave it out.
  kms_policies = {
    for key in ["data", "monitoring"] : key => jsonencode({
      Version = "2012-10-17"
      Statement = [
        for statement in concat(
          local.kms_administration_statements,
          flatten([for concern, statements in local.kms_statements_by_concern : lookup(statements, key, [])]),
        ) : merge(statement, { Resource = "*" })
      ]
    })
  }
}

resource "aws_kms_key" "this" {
  description             = "Strongbox ${var.name_prefix}: default encryption of the main bucket"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = local.kms_policies.data
  tags                    = local.tags

  # KMS rejects a key policy naming principals that do not exist yet.
  depends_on = [aws_iam_role.this]

  lifecycle {
    precondition {
      condition     = length(local.kms_administrators) > 0
      error_message = "The keys need at least one administrator: keep kms_deployer_is_administrator = true or name kms_administrator_arns."
    }
  }
}

resource "aws_kms_alias" "this" {
  name          = local.kms_alias
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_kms_key" "monitoring" {
  description             = "Strongbox ${var.name_prefix}: the trail, its log bucket and log group, the alarm and activity topics"
  key_usage               = "ENCRYPT_DECRYPT"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_in_days
  policy                  = local.kms_policies.monitoring
  tags                    = local.tags

  lifecycle {
    precondition {
      condition     = length(local.kms_administrators) > 0
      error_message = "The keys need at least one administrator: keep kms_deployer_is_administrator = true or name kms_administrator_arns."
    }
  }
}

resource "aws_kms_alias" "monitoring" {
  name          = local.monitoring_kms_alias
  target_key_id = aws_kms_key.monitoring.key_id
}
