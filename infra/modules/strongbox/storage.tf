# The main bucket and the bucket that receives its server access logs.

locals {
  bucket_and_objects = [local.bucket_arn, "${local.bucket_arn}/*"]
  # What the write denials below refuse: creating or replacing an object, each
  # step of a multipart upload included.
  object_writes = { Action = "s3:PutObject", Resource = local.objects_arn }

  # Main bucket policy, one fragment per rule. Each is readable (and tested) alone.
  # Every statement is a Deny for everyone (Effect and Principal are added
  # below): what a role may do is granted by its identity policy (iam.tf).
  bucket_policy_fragments = {
    deny_insecure_transport = [{
      Sid       = "DenyInsecureTransport"
      Action    = "s3:*"
      Resource  = local.bucket_and_objects
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]

    deny_sigv2 = [{
      Sid       = "DenyAnythingButSigV4"
      Action    = "s3:*"
      Resource  = local.bucket_and_objects
      Condition = { StringNotEquals = { "s3:signatureversion" = "AWS4-HMAC-SHA256" } }
    }]

    # Writes normally name no key (the bucket default applies); one that names
    # another key, or another algorithm, is refused.
    deny_wrong_key = [for statement in [
      {
        Sid = "DenyWritesNamingAnotherKmsKey"
        Condition = {
          Null            = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" }
          StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = aws_kms_key.this.arn }
        }
      },
      {
        Sid = "DenyWritesNamingAnotherAlgorithm"
        Condition = {
          Null            = { "s3:x-amz-server-side-encryption" = "false" }
          StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
        }
      },
      {
        # Naming aws:kms without a key id makes S3 use the AWS-managed aws/s3 key.
        Sid = "DenyWritesNamingKmsWithoutThisKey"
        Condition = {
          StringEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
          Null         = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "true" }
        }
      },
    ] : merge(local.object_writes, statement)]

    # SSE-C (a key the caller brings and S3 forgets) would put data out of
    # reach of this key, its policy and its audit trail. Multipart steps carry
    # the header too, so they are refused alike.
    deny_sse_c = [merge(local.object_writes, {
      Sid       = "DenyWritesWithCustomerProvidedKeys"
      Condition = { Null = { "s3:x-amz-server-side-encryption-customer-algorithm" = "false" } }
    })]

    # No role may restore an archived object, so a write into an archive
    # class could be read back by nobody.
    deny_archive_storage_classes = var.allow_archive_storage_classes ? [] : [merge(local.object_writes, {
      Sid       = "DenyWritesInStorageClassesNoRoleCanRead"
      Condition = { StringEquals = { "s3:x-amz-storage-class" = ["GLACIER", "DEEP_ARCHIVE"] } }
    })]

    deny_old_signature = var.max_signature_age_ms == null ? [] : [{
      Sid      = "DenyPresignedUrlsOlderThanMaxAge"
      Action   = "s3:*"
      Resource = local.bucket_and_objects
      Condition = {
        StringEquals       = { "s3:authType" = "REST-QUERY-STRING" }
        NumericGreaterThan = { "s3:signatureAge" = tostring(var.max_signature_age_ms) }
      }
    }]

    # The Admin role's own policy already demands MFA; this repeats it on the
    # resource so no policy later attached to a role can bypass it.
    deny_version_delete_without_mfa = [for statement in [
      {
        Sid = "DenyPermanentDeleteWithoutMfa"
        Condition = {
          ArnEquals    = { "aws:PrincipalArn" = values(local.role_arns) }
          BoolIfExists = { "aws:MultiFactorAuthPresent" = "false" }
        }
      },
      {
        # ... and a fresh one: older than admin_mfa_max_age_seconds (or of
        # unknown age) is refused.
        Sid = "DenyPermanentDeleteWithStaleMfa"
        Condition = {
          ArnEquals                  = { "aws:PrincipalArn" = values(local.role_arns) }
          NumericGreaterThanIfExists = { "aws:MultiFactorAuthAge" = tostring(var.admin_mfa_max_age_seconds) }
        }
      },
    ] : merge({ Action = "s3:DeleteObjectVersion", Resource = local.objects_arn }, statement)]
  }

  bucket_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      for statement in flatten(values(local.bucket_policy_fragments)) :
      merge({ Effect = "Deny", Principal = "*" }, statement)
    ]
  })

  access_log_prefix = "s3/${local.bucket_name}/"

  # S3's log delivery for each bucket that logs here, under its own prefix
  # (the trail log bucket logs its own reads, trail.tf). The log-bucket module
  # adds the TLS-only deny.
  access_log_sources = {
    MainBucket     = { arn = local.bucket_arn, prefix = local.access_log_prefix }
    TrailLogBucket = { arn = local.trail_log_bucket_arn, prefix = local.trail_access_log_prefix }
  }
  access_log_bucket_statements = [
    for source, s in local.access_log_sources : {
      Sid       = "AllowServerAccessLogsFrom${source}"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.access_log_bucket_arn}/${s.prefix}*"
      Condition = {
        ArnLike      = { "aws:SourceArn" = s.arn }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }
  ]
}

################################################################################
# Main bucket
################################################################################

resource "aws_s3_bucket" "main" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery choice left to the deployer; versioning and the KMS key already protect the data.
  #checkov:skip=CKV2_AWS_62:Object events reach admins through CloudTrail data events and EventBridge (the monitoring part of the module), not S3 event notifications.
  bucket        = local.bucket_name
  force_destroy = var.force_destroy
  tags          = local.bucket_tags
}

resource "aws_s3_bucket_public_access_block" "main" {
  bucket                  = aws_s3_bucket.main.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "main" {
  bucket = aws_s3_bucket.main.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "main" {
  bucket = aws_s3_bucket.main.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "main" {
  bucket = aws_s3_bucket.main.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
    # S3 itself refuses SSE-C requests; the bucket policy refuses them too.
    blocked_encryption_types = var.emulator_workarounds.block_sse_c ? ["SSE-C"] : null
  }
}

resource "aws_s3_bucket_policy" "main" {
  count = var.emulator_workarounds.attach_bucket_policy ? 1 : 0

  bucket = aws_s3_bucket.main.id
  policy = local.bucket_policy

  # A policy is accepted only once public access is blocked for good.
  depends_on = [aws_s3_bucket_public_access_block.main]
}

resource "aws_s3_bucket_lifecycle_configuration" "main" {
  count  = var.emulator_workarounds.create_lifecycle_configurations ? 1 : 0
  bucket = aws_s3_bucket.main.id

  # One rule for the whole bucket: stale multipart uploads are aborted, and
  # versions that stopped being current move away and expire as configured.
  rule {
    id     = "housekeeping"
    status = "Enabled"
    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.object_lifecycle.abort_incomplete_multipart_days
    }

    dynamic "noncurrent_version_transition" {
      for_each = var.object_lifecycle.noncurrent_version_transition[*]
      content {
        noncurrent_days           = noncurrent_version_transition.value.days
        storage_class             = noncurrent_version_transition.value.storage_class
        newer_noncurrent_versions = var.object_lifecycle.newer_noncurrent_versions_to_keep
      }
    }

    dynamic "noncurrent_version_expiration" {
      for_each = var.object_lifecycle.noncurrent_version_expiration_days > 0 ? [var.object_lifecycle.noncurrent_version_expiration_days] : []
      content {
        noncurrent_days           = noncurrent_version_expiration.value
        newer_noncurrent_versions = var.object_lifecycle.newer_noncurrent_versions_to_keep
      }
    }
  }

  # Lifecycle rules on a versioned bucket apply to versions only once versioning is on.
  depends_on = [aws_s3_bucket_versioning.main]
}

resource "aws_s3_bucket_cors_configuration" "main" {
  count  = length(var.cors_allowed_origins) > 0 ? 1 : 0
  bucket = aws_s3_bucket.main.id

  cors_rule {
    allowed_origins = var.cors_allowed_origins
    # The page only PUTs parts or files and GETs objects through pre-signed URLs;
    # starting, completing and aborting uploads happen on its local server.
    allowed_methods = ["GET", "PUT", "HEAD"]
    # A part carries its SHA-256 as a signed header (and the file's type); an
    # Uploader's single PUT is create-only (signed If-None-Match: *).
    allowed_headers = [
      "content-type",
      "if-none-match",
      "x-amz-checksum-sha256",
      "x-amz-sdk-checksum-algorithm",
    ]
    # Browsers need ETag to complete a multipart upload, the version and
    # checksum headers to verify it, Content-Range for ranged downloads.
    expose_headers = [
      "ETag",
      "Content-Range",
      "x-amz-version-id",
      "x-amz-checksum-crc32",
      "x-amz-checksum-crc32c",
      "x-amz-checksum-crc64nvme",
      "x-amz-checksum-sha1",
      "x-amz-checksum-sha256",
      "x-amz-checksum-type",
    ]
    max_age_seconds = 3000
  }
}

resource "aws_s3_bucket_logging" "main" {
  bucket        = aws_s3_bucket.main.id
  target_bucket = module.access_log_bucket.id
  target_prefix = local.access_log_prefix

  # Logging points at the access-log bucket only once all of it, its policy
  # admitting the delivery included, is in place.
  depends_on = [module.access_log_bucket]
}

################################################################################
# Access-log bucket
################################################################################

# The shared log-bucket hardening (modules/log-bucket): private, ACL-free,
# versioned, SSE-S3 (S3 server access logging cannot write to a bucket whose
# default encryption is SSE-KMS, so not the module's key), logs expiring after
# access_log_retention_days. The policy admits S3's log delivery for the main
# bucket only, over TLS.
module "access_log_bucket" {
  source = "./modules/log-bucket"

  bucket_name       = local.access_log_bucket_name
  force_destroy     = var.force_destroy
  tags              = local.bucket_tags
  policy_statements = local.access_log_bucket_statements
  retention_days    = var.access_log_retention_days
  lifecycle_rule_id = "expire-access-logs"
  create_lifecycle  = var.emulator_workarounds.create_lifecycle_configurations
}
