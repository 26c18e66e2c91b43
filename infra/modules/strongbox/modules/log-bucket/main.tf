# A bucket that only receives logs: private, ACL-free, versioned, SSE-S3,
# with the policy the caller gives it and a rule that expires the logs.
# Used twice by the parent: the main bucket's server access logs (storage.tf)
# and CloudTrail's log files and digests (trail.tf).

resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_18:A log bucket is not access-logged itself: the access-log bucket would log its own deliveries, and it admits deliveries from the main bucket only (aws:SourceArn), so the trail log bucket is protected instead by its denied deletes and log file validation (signed digests proving every file unaltered).
  #checkov:skip=CKV_AWS_144:Cross-region replication of the access logs and of the audit trail is an account-level decision left to the deployer (for the trail, an organization trail usually covers it).
  #checkov:skip=CKV2_AWS_62:Event notifications for every log delivery would only be noise: the logs are read, not reacted to, and the trail's events already reach its log group and EventBridge.
  #checkov:skip=CKV_AWS_145:SSE-S3 is the only default that works for both uses: S3 server access logging delivers only to buckets with SSE-S3 default encryption, and CloudTrail KMS-encrypts its log files itself with the module's key (the trail's kms_key_id), so the SSE-S3 default covers only its digest files.
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

# SSE-S3, not the module's key, for both uses. S3 server access logging cannot
# write to a bucket whose default encryption is SSE-KMS. CloudTrail encrypts
# its log files with the module's key itself (the trail's kms_key_id) and
# writes its digest files with SSE-S3: a KMS default would make each digest
# write need a key grant CloudTrail does not have.
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = var.policy_json

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
