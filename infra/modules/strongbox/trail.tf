# CloudTrail: every management event in every region, plus the main bucket's
# object-level (data) events, delivered to a dedicated, locked-down log bucket
# and to a CloudWatch log group that the metric filters and saved queries read.
#
# Only the main bucket's data events are selected. Selecting the trail's own
# log bucket would log each log delivery, which is itself a delivery: a loop.

locals {
  trail_name = "${var.name_prefix}-trail"
  # Built from names, not read from the resource: the bucket policy and the key
  # policy must name the trail before it exists (CloudTrail checks both on create).
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"

  trail_log_bucket_name = "${var.name_prefix}-trail-logs-${local.account_id}-${local.region}"
  trail_log_bucket_arn  = "arn:${local.partition}:s3:::${local.trail_log_bucket_name}"
  # CloudTrail writes log files and digests under AWSLogs/<account>/.
  trail_log_objects_arn = "${local.trail_log_bucket_arn}/AWSLogs/${local.account_id}/*"

  trail_log_group_name = "/aws/cloudtrail/${var.name_prefix}"
  trail_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.trail_log_group_name}"

  trail_logs_role_name = "${var.name_prefix}-trail-logs"
  trail_logs_role_arn  = "arn:${local.partition}:iam::${local.account_id}:role/${local.trail_logs_role_name}"
  # For main.tf: the role is CloudTrail's, for this trail.
  trail_logs_service_role = { sid = "AssumeByThisTrail", service = "cloudtrail.amazonaws.com", source_arn = local.trail_arn }

  # The data-event selector: objects of the main bucket, nothing else.
  trail_data_resource_prefix = "${local.bucket_arn}/"

  # Where the trail log bucket's own server access logs go (the access-log bucket).
  trail_access_log_prefix = "s3/${local.trail_log_bucket_name}/"

  # What CloudTrail may do, on the trail log bucket and on the monitoring key;
  # each statement lets it act for this trail only (aws:SourceArn).
  cloudtrail_grant = { Effect = "Allow", Principal = { Service = "cloudtrail.amazonaws.com" } }

  # The monitoring key used through S3 for the trail log bucket's objects (its
  # default encryption, which covers the digest files).
  trail_log_bucket_via_s3 = {
    StringEquals = { "kms:ViaService" = local.s3_via_service }
    StringLike   = { "kms:EncryptionContext:aws:s3:arn" = [local.trail_log_bucket_arn, "${local.trail_log_bucket_arn}/*"] }
  }

  trail_log_bucket_policy_fragments = {
    # Audit evidence is never deleted by a request: only the lifecycle rule
    # expires it. (Lifecycle expiration is not an API call a policy can deny.)
    deny_deletes = [{
      Sid       = "DenyLogDeletion"
      Effect    = "Deny"
      Principal = "*"
      Action    = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      Resource  = "${local.trail_log_bucket_arn}/*"
    }]

    # Nothing but this trail writes here: a log file cannot be overwritten or
    # planted by anyone, roles and deployer included. CloudTrail's requests
    # carry aws:SourceArn = the trail; nobody else's can.
    deny_foreign_writes = [{
      Sid       = "DenyWritesExceptThisTrail"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "${local.trail_log_bucket_arn}/*"
      Condition = { StringNotEquals = { "aws:SourceArn" = local.trail_arn } }
    }]

    # The three roles may not loosen the bucket: its lifecycle, policy, lock,
    # versioning, encryption, logging or replication, nor bypass a retention.
    deny_role_reconfiguration = [{
      Sid       = "DenyRolesReconfiguringTrailLogs"
      Effect    = "Deny"
      Principal = "*"
      Action = [
        "s3:BypassGovernanceRetention",
        "s3:DeleteBucket",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketLogging",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketPolicy",
        "s3:PutBucketVersioning",
        "s3:PutEncryptionConfiguration",
        "s3:PutLifecycleConfiguration",
        "s3:PutObjectLegalHold",
        "s3:PutObjectRetention",
        "s3:PutReplicationConfiguration",
      ]
      Resource  = [local.trail_log_bucket_arn, "${local.trail_log_bucket_arn}/*"]
      Condition = { ArnEquals = { "aws:PrincipalArn" = values(local.role_arns) } }
    }]

    cloudtrail_acl_check = [merge(local.cloudtrail_grant, {
      Sid       = "CloudTrailAclCheck"
      Action    = "s3:GetBucketAcl"
      Resource  = local.trail_log_bucket_arn
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    })]

    cloudtrail_write = [merge(local.cloudtrail_grant, {
      Sid      = "CloudTrailWrite"
      Action   = "s3:PutObject"
      Resource = local.trail_log_objects_arn
      Condition = {
        StringEquals = {
          "aws:SourceArn" = local.trail_arn
          "s3:x-amz-acl"  = "bucket-owner-full-control"
        }
      }
    })]

    # What `aws cloudtrail validate-logs` reads: the bucket's listing and
    # location, the digest and log files. (Decrypting them: the monitoring key.)
    validation_readers_list = length(var.trail_log_reader_arns) == 0 ? [] : [{
      Sid       = "LogFileValidationReadersList"
      Effect    = "Allow"
      Principal = { AWS = var.trail_log_reader_arns }
      Action    = ["s3:ListBucket", "s3:GetBucketLocation"]
      Resource  = local.trail_log_bucket_arn
    }]
    validation_readers_get = length(var.trail_log_reader_arns) == 0 ? [] : [
      {
        Sid       = "LogFileValidationReadersGet"
        Effect    = "Allow"
        Principal = { AWS = var.trail_log_reader_arns }
        Action    = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource  = local.trail_log_objects_arn
      },
    ]
  }

  # For kms.tf: what CloudTrail, CloudWatch Logs and the trail log readers may
  # do with the monitoring key, each scoped to this trail and its resources.
  trail_kms_statements = {
    monitoring = concat([for statement in [
      {
        Sid    = "CloudTrailEncryptLogs"
        Action = ["kms:GenerateDataKey*"]
        Condition = {
          StringEquals = {
            "aws:SourceArn"                            = local.trail_arn
            "kms:EncryptionContext:aws:cloudtrail:arn" = local.trail_arn
          }
        }
      },
      {
        Sid       = "CloudTrailDescribeKey"
        Action    = ["kms:DescribeKey"]
        Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
      },
      {
        # The trail log bucket's default encryption (SSE-KMS, this key) covers
        # what CloudTrail does not encrypt itself: the digest files.
        Sid    = "CloudTrailDigestsViaTrailLogBucket"
        Action = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Condition = merge(local.trail_log_bucket_via_s3, {
          StringEquals = merge(local.trail_log_bucket_via_s3.StringEquals, { "aws:SourceArn" = local.trail_arn })
        })
      },
      ] : merge(local.cloudtrail_grant, statement)],
      [{
        Sid       = "CloudWatchLogsEncryptTrailLogGroup"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.trail_log_group_arn } }
      }],
      # Who may decrypt the trail's files in S3 (forensics, `aws cloudtrail
      # validate-logs`): log files under this trail's encryption context, digest
      # files through S3 from the trail log bucket. Nobody by default: key
      # administrators cannot use the key, and the roles read the audit through
      # Logs Insights. The bucket policy grants them the reads.
      length(var.trail_log_reader_arns) == 0 ? [] : [{
        Sid       = "CloudTrailLogFilesDecryptByReaders"
        Effect    = "Allow"
        Principal = { AWS = var.trail_log_reader_arns }
        Action    = ["kms:Decrypt"]
        Condition = { StringEquals = { "kms:EncryptionContext:aws:cloudtrail:arn" = local.trail_arn } }
      }],
      length(var.trail_log_reader_arns) == 0 ? [] : [
        {
          Sid       = "TrailLogBucketDecryptByReaders"
          Effect    = "Allow"
          Principal = { AWS = var.trail_log_reader_arns }
          Action    = ["kms:Decrypt"]
          Condition = local.trail_log_bucket_via_s3
        },
      ],
    )
  }
}

################################################################################
# Trail log bucket
################################################################################

# The shared log-bucket hardening (modules/log-bucket): private, ACL-free,
# versioned, log files expiring after trail_log_bucket_retention_days; a
# version only becomes noncurrent through expiration (deletes are denied).
#
# Log files arrive encrypted with the monitoring key by CloudTrail itself (the
# trail's kms_key_id, encryption context = this trail). The bucket default
# (SSE-KMS with the same key, a bucket key) covers the digest files; CloudTrail
# may use it through S3 (key policy CloudTrailDigestsViaTrailLogBucket).
# Object Lock (governance by default) keeps every version for the retention
# even from someone who rewrites the bucket policy; its own access logs go to
# the access-log bucket.
module "trail_log_bucket" {
  source = "./modules/log-bucket"

  bucket_name       = local.trail_log_bucket_name
  force_destroy     = var.force_destroy
  tags              = local.bucket_tags
  policy_statements = flatten(values(local.trail_log_bucket_policy_fragments))
  retention_days    = var.trail_log_bucket_retention_days
  lifecycle_rule_id = "expire-trail-logs"
  kms_key_arn       = aws_kms_key.monitoring.arn
  object_lock       = var.trail_log_object_lock
  access_log_target = { bucket = module.access_log_bucket.id, prefix = local.trail_access_log_prefix }

  # Logging is accepted once the access-log bucket's policy admits this bucket.
  depends_on       = [module.access_log_bucket]
  create_lifecycle = var.emulator_workarounds.create_lifecycle_configurations
}

################################################################################
# CloudWatch Logs delivery
################################################################################

resource "aws_cloudwatch_log_group" "trail" {
  name              = local.trail_log_group_name
  retention_in_days = var.trail_log_retention_days
  kms_key_id        = aws_kms_key.monitoring.arn
  tags              = local.tags
}

# CloudTrail writes to the log group through a role of its own, trusted only
# by this trail and allowed only to write this group's streams.
resource "aws_iam_role" "trail_logs" {
  name               = local.trail_logs_role_name
  description        = "CloudTrail ${local.trail_name} delivering to ${local.trail_log_group_name}"
  assume_role_policy = local.service_role_trust_policies.trail_logs # main.tf
  tags               = local.tags
}

resource "aws_iam_role_policy" "trail_logs" {
  name = "${var.name_prefix}-trail-logs-delivery"
  role = aws_iam_role.trail_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteTrailLogStreams"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${local.trail_log_group_arn}:log-stream:*"
    }]
  })
}

################################################################################
# The trail
################################################################################

resource "aws_cloudtrail" "this" {
  #checkov:skip=CKV_AWS_252:CloudTrail's SNS topic fires once per log file delivered, not per API call; per-call notices come from the EventBridge rule (notifications.tf).
  name                          = local.trail_name
  s3_bucket_name                = module.trail_log_bucket.id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = aws_kms_key.monitoring.arn
  cloud_watch_logs_group_arn    = "${local.trail_log_group_arn}:*"
  cloud_watch_logs_role_arn     = local.trail_logs_role_arn
  tags                          = local.tags

  advanced_event_selector {
    # The console's name for it, which scanners (prowler) look for.
    name = "Management events selector"
    field_selector {
      field  = "eventCategory"
      equals = ["Management"]
    }
  }

  advanced_event_selector {
    name = "Data events of the main bucket's objects"
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
    field_selector {
      field       = "resources.ARN"
      starts_with = [local.trail_data_resource_prefix]
    }
  }

  # CloudTrail Insights (off by default: billed per event analysed).
  dynamic "insight_selector" {
    for_each = var.trail_insight_types
    content {
      insight_type = insight_selector.value
    }
  }

  # CloudTrail validates the bucket policy, the key policy, the log group and
  # the delivery role on create (their ARNs above are built from names). The
  # bucket policy is inside the log-bucket module: the trail waits for all of it.
  depends_on = [
    module.trail_log_bucket,
    aws_kms_key.monitoring,
    aws_cloudwatch_log_group.trail,
    aws_iam_role_policy.trail_logs,
  ]
}
