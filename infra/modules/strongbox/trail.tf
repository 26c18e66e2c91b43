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

  # The data-event selector: objects of the main bucket, nothing else.
  trail_data_resource_prefix = "${local.bucket_arn}/"

  trail_log_bucket_policy_fragments = {
    deny_insecure_transport = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.trail_log_bucket_arn, "${local.trail_log_bucket_arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]

    # Audit evidence is never deleted by a request: only the lifecycle rule
    # expires it. (Lifecycle expiration is not an API call a policy can deny.)
    deny_deletes = [{
      Sid       = "DenyLogDeletion"
      Effect    = "Deny"
      Principal = "*"
      Action    = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
      Resource  = "${local.trail_log_bucket_arn}/*"
    }]

    cloudtrail_acl_check = [{
      Sid       = "CloudTrailAclCheck"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:GetBucketAcl"
      Resource  = local.trail_log_bucket_arn
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    }]

    cloudtrail_write = [{
      Sid       = "CloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = local.trail_log_objects_arn
      Condition = {
        StringEquals = {
          "aws:SourceArn" = local.trail_arn
          "s3:x-amz-acl"  = "bucket-owner-full-control"
        }
      }
    }]
  }

  trail_log_bucket_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = flatten(values(local.trail_log_bucket_policy_fragments))
  })

  # Key-policy statements for the services that encrypt with the module's key,
  # each scoped to this deployment's resource. Plugged into kms.tf's hook.
  monitoring_kms_statements = concat([
    {
      Sid       = "CloudTrailEncryptLogs"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*"]
      Resource  = "*"
      Condition = {
        StringEquals = {
          "aws:SourceArn"                            = local.trail_arn
          "kms:EncryptionContext:aws:cloudtrail:arn" = local.trail_arn
        }
      }
    },
    {
      Sid       = "CloudTrailDescribeKey"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = ["kms:DescribeKey"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    },
    {
      Sid       = "CloudWatchLogsEncryptTrailLogGroup"
      Effect    = "Allow"
      Principal = { Service = "logs.${local.region}.amazonaws.com" }
      Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = { ArnEquals = { "kms:EncryptionContext:aws:logs:arn" = local.trail_log_group_arn } }
    },
    {
      Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
      }
    },
    {
      Sid       = "EventBridgePublishToEncryptedTopic"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "*"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = local.account_id
          "aws:SourceArn"     = local.event_rule_arn
        }
      }
    },
    ],
    # Who may decrypt the trail's log files in S3 (forensics, `aws cloudtrail
    # validate-logs`), only under this trail's encryption context. Nobody by
    # default: key administrators cannot use the key, and the roles read the
    # audit through Logs Insights. They also need s3:GetObject on the bucket.
    length(var.trail_log_reader_arns) == 0 ? [] : [{
      Sid       = "CloudTrailLogFilesDecryptByReaders"
      Effect    = "Allow"
      Principal = { AWS = var.trail_log_reader_arns }
      Action    = ["kms:Decrypt"]
      Resource  = "*"
      Condition = { StringEquals = { "kms:EncryptionContext:aws:cloudtrail:arn" = local.trail_arn } }
    }],
  )
}

################################################################################
# Trail log bucket
################################################################################

# The shared log-bucket hardening (modules/log-bucket): private, ACL-free,
# versioned, log files expiring after trail_log_bucket_retention_days; a
# version only becomes noncurrent through expiration (deletes are denied).
#
# Log files arrive encrypted with the module's key by CloudTrail itself (the
# trail's kms_key_id, encryption context = this trail). The bucket default
# (SSE-S3) only covers the digest files, which CloudTrail writes with SSE-S3: a
# KMS default here would make each digest write need a key grant CloudTrail
# does not have.
module "trail_log_bucket" {
  source = "./modules/log-bucket"

  bucket_name       = local.trail_log_bucket_name
  force_destroy     = var.force_destroy
  tags              = local.bucket_tags
  policy_json       = local.trail_log_bucket_policy
  retention_days    = var.trail_log_bucket_retention_days
  lifecycle_rule_id = "expire-trail-logs"
  create_lifecycle  = var.create_lifecycle_configurations
}

################################################################################
# CloudWatch Logs delivery
################################################################################

resource "aws_cloudwatch_log_group" "trail" {
  name              = local.trail_log_group_name
  retention_in_days = var.trail_log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = local.tags
}

# CloudTrail writes to the log group through a role of its own, trusted only
# by this trail and allowed only to write this group's streams.
resource "aws_iam_role" "trail_logs" {
  name        = local.trail_logs_role_name
  description = "CloudTrail ${local.trail_name} delivering to ${local.trail_log_group_name}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumeByThisTrail"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = {
          "aws:SourceArn"     = local.trail_arn
          "aws:SourceAccount" = local.account_id
        }
      }
    }]
  })
  tags = local.tags
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
  kms_key_id                    = aws_kms_key.this.arn
  cloud_watch_logs_group_arn    = "${local.trail_log_group_arn}:*"
  cloud_watch_logs_role_arn     = local.trail_logs_role_arn
  tags                          = local.tags

  advanced_event_selector {
    name = "Management events"
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

  # CloudTrail validates the bucket policy, the key policy, the log group and
  # the delivery role on create (their ARNs above are built from names). The
  # bucket policy is inside the log-bucket module: the trail waits for all of it.
  depends_on = [
    module.trail_log_bucket,
    aws_kms_key.this,
    aws_cloudwatch_log_group.trail,
    aws_iam_role_policy.trail_logs,
  ]
}
