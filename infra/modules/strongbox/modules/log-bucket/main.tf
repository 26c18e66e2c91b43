# A bucket that only receives logs: private, ACL-free, versioned, SSE-S3 or
# SSE-KMS with the caller's key, with the policy the caller gives it, a rule
# that expires the logs, and optionally Object Lock and its own access logging.
# Used twice by the parent: the main bucket's server access logs (storage.tf)
# and CloudTrail's log files and digests (trail.tf).

# The ARN from the name, so the policy is known at plan time.
data "aws_partition" "current" {}

locals {
  arn = "arn:${data.aws_partition.current.partition}:s3:::${var.bucket_name}"
}

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:The access-log bucket cannot log to itself (each delivery would log a delivery); the trail log bucket passes access_log_target and logs to it (aws_s3_bucket_logging below).
  #checkov:skip=CKV_AWS_144:Cross-region replication of the access logs is not worth a second bucket; the trail log bucket's is offered by the parent (trail_log_replication, off by default).
  #checkov:skip=CKV2_AWS_62:Event notifications for every log delivery would only be noise: the logs are read, not reacted to, and the trail's events already reach its log group and EventBridge.
  #checkov:skip=CKV_AWS_145:The trail log bucket passes kms_key_arn (SSE-KMS); the access-log bucket cannot: S3 server access logging delivers only to buckets with SSE-S3 default encryption.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-S3 without a key (S3 server access logging cannot write to a bucket
# whose default encryption is SSE-KMS); SSE-KMS with a bucket key otherwise.
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = var.kms_key_arn != null
  }
}

# Object Lock on the existing versioned bucket (no bucket replacement): every
# new version is kept for the retention; in GOVERNANCE mode only a principal
# allowed s3:BypassGovernanceRetention can remove it earlier, in COMPLIANCE
# mode nobody.
resource "aws_s3_bucket_object_lock_configuration" "this" {
  count = var.object_lock == null ? 0 : 1

  bucket = aws_s3_bucket.this.id
  rule {
    default_retention {
      mode = var.object_lock.mode
      days = var.object_lock.retention_days
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_target == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_target.bucket
  target_prefix = var.access_log_target.prefix
}

# The caller's statements, then the one every log bucket carries: TLS only.
locals {
  policy_json = jsonencode({
    Version = "2012-10-17"
    Statement = concat(var.policy_statements, [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.arn, "${local.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }])
  })
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = local.policy_json

  # A policy is accepted only once public access is blocked for good.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  count  = var.create_lifecycle ? 1 : 0
  bucket = aws_s3_bucket.this.id

  # Logs expire after the retention the caller sets. The bucket is versioned,
  # so expiration only makes a log file noncurrent: noncurrent versions go a
  # day later, otherwise nothing would ever leave the bucket.
  rule {
    id     = var.lifecycle_rule_id
    status = "Enabled"
    filter {}
    expiration {
      days = var.retention_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 1
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  # Lifecycle rules on a versioned bucket apply to versions only once versioning is on.
  depends_on = [aws_s3_bucket_versioning.this]
}

# The lifecycle configuration became optional (var.create_lifecycle).
moved {
  from = aws_s3_bucket_lifecycle_configuration.this
  to   = aws_s3_bucket_lifecycle_configuration.this[0]
}
