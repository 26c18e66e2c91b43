# Optional: a copy of every trail log file and digest in another region (or
# account), through S3 replication. Off by default (trail_log_replication =
# null); an organization trail or a log-archive account often covers it.
#
# The destination bucket (versioned, with Object Lock if it should hold the
# copies as firmly) and its key belong to the deployer: this module only adds
# the replication rule, the role S3 replicates with, and the monitoring-key
# statement letting that role read the source files.

locals {
  trail_replication_enabled   = var.trail_log_replication != null
  trail_replication_role_name = "${var.name_prefix}-trail-replication"
  trail_replication_role_arn  = "arn:${local.partition}:iam::${local.account_id}:role/${local.trail_replication_role_name}"
  # For main.tf: the role is S3's, replicating the trail log bucket.
  trail_replication_service_role = { sid = "AssumeByS3ForThisBucket", service = "s3.amazonaws.com", source_arn = local.trail_log_bucket_arn }

  # For kms.tf: the replication role reads the source files.
  trail_replication_kms_statements = {
    monitoring = local.trail_replication_enabled ? [{
      Sid       = "TrailLogReplicationDecrypt"
      Effect    = "Allow"
      Principal = { AWS = local.trail_replication_role_arn }
      Action    = ["kms:Decrypt"]
      Condition = local.trail_log_bucket_via_s3 # trail.tf
    }] : []
  }
}

resource "aws_iam_role" "trail_replication" {
  count = local.trail_replication_enabled ? 1 : 0

  name               = local.trail_replication_role_name
  description        = "S3 replicating ${local.trail_log_bucket_name} to ${try(var.trail_log_replication.destination_bucket_arn, "")}"
  assume_role_policy = local.service_role_trust_policies.trail_replication # main.tf
  tags               = local.tags
}

resource "aws_iam_role_policy" "trail_replication" {
  count = local.trail_replication_enabled ? 1 : 0

  name = "${local.trail_replication_role_name}-copy"
  role = aws_iam_role.trail_replication[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadSourceConfiguration"
        Effect   = "Allow"
        Action   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
        Resource = local.trail_log_bucket_arn
      },
      {
        Sid      = "ReadSourceVersions"
        Effect   = "Allow"
        Action   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"]
        Resource = "${local.trail_log_bucket_arn}/*"
      },
      {
        Sid      = "WriteReplicas"
        Effect   = "Allow"
        Action   = ["s3:ReplicateObject", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"]
        Resource = "${var.trail_log_replication.destination_bucket_arn}/*"
      },
      {
        Sid       = "EncryptReplicasWithTheDestinationKey"
        Effect    = "Allow"
        Action    = ["kms:Encrypt", "kms:GenerateDataKey"]
        Resource  = var.trail_log_replication.destination_kms_key_arn
        Condition = { StringLike = { "kms:EncryptionContext:aws:s3:arn" = "${var.trail_log_replication.destination_bucket_arn}/*" } }
      },
      {
        Sid       = "DecryptSourceWithTheMonitoringKey"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = aws_kms_key.monitoring.arn
        Condition = { StringLike = { "kms:EncryptionContext:aws:s3:arn" = "${local.trail_log_bucket_arn}/*" } }
      },
    ]
  })
}

resource "aws_s3_bucket_replication_configuration" "trail_logs" {
  count = local.trail_replication_enabled ? 1 : 0

  bucket = module.trail_log_bucket.id
  role   = aws_iam_role.trail_replication[0].arn

  rule {
    id     = "copy-trail-logs"
    status = "Enabled"
    filter {}

    delete_marker_replication {
      status = "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }

    destination {
      bucket        = var.trail_log_replication.destination_bucket_arn
      storage_class = var.trail_log_replication.storage_class
      encryption_configuration {
        replica_kms_key_id = var.trail_log_replication.destination_kms_key_arn
      }
    }
  }

  # Replication needs versioning on the source (the module turns it on).
  depends_on = [module.trail_log_bucket]
}
