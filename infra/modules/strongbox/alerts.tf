# Metric filters on the trail's log group, one alarm each, all reporting to the
# alerts topic (security alarms, not per-call notices) both when they fire and
# when they clear. Changes to the keys are also caught without the log group,
# by the key rules of notifications.tf.
#
# Each filter pattern is scoped to this deployment's resources (bucket names,
# trail, key, roles), so a shared account's other activity does not page anyone.

locals {
  alarm_namespace = coalesce(var.alarm_namespace, "Strongbox/${var.name_prefix}")

  # Pattern helpers: `($.field = "a") || ($.field = "b") ...`, parenthesised.
  upload_event_names = ["PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"]
  bucket_config_event_names = [
    "PutBucketPolicy",
    "DeleteBucketPolicy",
    "PutBucketEncryption",
    "DeleteBucketEncryption",
    "PutBucketVersioning",
    "PutBucketPublicAccessBlock",
    "DeleteBucketPublicAccessBlock",
    "PutBucketLifecycle",
    "PutBucketLifecycleConfiguration",
    "DeleteBucketLifecycle",
  ]
  trail_change_event_names = ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"]
  kms_change_event_names   = ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"]
  role_change_event_names  = ["PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy", "DetachRolePolicy", "UpdateAssumeRolePolicy"]

  # The people's roles and the trail's delivery role: a changed policy on any
  # of them changes who can read, write or hide what.
  monitored_role_names = concat(values(local.role_names), [local.trail_logs_role_name])

  # The three buckets whose configuration matters: the data and both log buckets.
  monitored_bucket_names = [local.bucket_name, local.access_log_bucket_name, local.trail_log_bucket_name]

  main_bucket_s3_clause = "($.eventSource = \"s3.amazonaws.com\") && ($.requestParameters.bucketName = \"${local.bucket_name}\")"

  # What every alarm defaults to unless its definition (threshold) or
  # alarm_settings says otherwise.
  alarm_default_settings = { period = 300, evaluation_periods = 1 }

  alarm_definitions = {
    failed_uploads = {
      threshold   = 5
      metric      = "FailedUploads"
      description = "Uploads to s3://${local.bucket_name} are failing (PutObject, CreateMultipartUpload, UploadPart or CompleteMultipartUpload returned an error)."
      pattern     = "{ ${local.main_bucket_s3_clause} && (${join(" || ", [for n in local.upload_event_names : "($.eventName = \"${n}\")"])}) && ($.errorCode = \"*\") }"
    }
    access_denied = {
      threshold   = 5
      metric      = "AccessDenied"
      description = "Requests on s3://${local.bucket_name} are being refused (AccessDenied)."
      pattern     = "{ ${local.main_bucket_s3_clause} && ($.errorCode = \"AccessDenied*\") }"
    }
    bucket_config_changes = {
      threshold   = 1
      metric      = "BucketConfigurationChanges"
      description = "A bucket's policy, encryption, versioning, public access block or lifecycle was changed (or a change was attempted)."
      pattern     = "{ ($.eventSource = \"s3.amazonaws.com\") && (${join(" || ", [for b in local.monitored_bucket_names : "($.requestParameters.bucketName = \"${b}\")"])}) && (${join(" || ", [for n in local.bucket_config_event_names : "($.eventName = \"${n}\")"])}) }"
    }
    trail_changes = {
      threshold   = 1
      metric      = "TrailChanges"
      description = "The trail ${local.trail_name} was stopped, deleted, updated or had its event selectors changed (or an attempt was made)."
      pattern     = "{ ($.eventSource = \"cloudtrail.amazonaws.com\") && (($.requestParameters.name = \"${local.trail_name}\") || ($.requestParameters.name = \"${local.trail_arn}\") || ($.requestParameters.trailName = \"${local.trail_name}\") || ($.requestParameters.trailName = \"${local.trail_arn}\")) && (${join(" || ", [for n in local.trail_change_event_names : "($.eventName = \"${n}\")"])}) }"
    }
    kms_key_changes = {
      threshold   = 1
      metric      = "KmsKeyChanges"
      description = "The data key or the monitoring key was disabled, scheduled for deletion or given a new key policy (or an attempt was made)."
      pattern     = "{ ($.eventSource = \"kms.amazonaws.com\") && (${join(" || ", flatten([for k in [aws_kms_key.this, aws_kms_key.monitoring] : ["($.requestParameters.keyId = \"${k.key_id}\")", "($.resources[0].ARN = \"${k.arn}\")"]]))}) && (${join(" || ", [for n in local.kms_change_event_names : "($.eventName = \"${n}\")"])}) }"
    }
    role_policy_changes = {
      threshold   = 1
      metric      = "RolePolicyChanges"
      description = "An IAM policy or trust policy of a Strongbox role was changed (or an attempt was made)."
      pattern     = "{ ($.eventSource = \"iam.amazonaws.com\") && (${join(" || ", [for r in local.monitored_role_names : "($.requestParameters.roleName = \"${r}\")"])}) && (${join(" || ", [for n in local.role_change_event_names : "($.eventName = \"${n}\")"])}) }"
    }
    assume_role_failures = {
      threshold   = 3
      metric      = "AssumeRoleFailures"
      description = "Attempts to assume a Strongbox role are failing (wrong principal, missing MFA or SourceIdentity)."
      pattern     = "{ ($.eventSource = \"sts.amazonaws.com\") && ($.eventName = \"AssumeRole\") && ($.errorCode = \"*\") && (${join(" || ", [for arn in values(local.role_arns) : "($.requestParameters.roleArn = \"${arn}\")"])}) }"
    }
  }

  # Each alarm's default, overridden field by field by alarm_settings.
  alarm_settings = {
    for key, alarm in local.alarm_definitions : key => merge(
      local.alarm_default_settings,
      { threshold = alarm.threshold },
      { for field, value in try(var.alarm_settings[key], {}) : field => value if value != null },
    )
  }

  alarm_names = { for key, _ in local.alarm_definitions : key => "${local.alarm_name_prefix}${replace(key, "_", "-")}" }
}

resource "aws_cloudwatch_log_metric_filter" "this" {
  for_each = local.alarm_definitions

  name           = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  log_group_name = aws_cloudwatch_log_group.trail.name
  pattern        = each.value.pattern

  metric_transformation {
    name      = each.value.metric
    namespace = local.alarm_namespace
    value     = "1"
    unit      = "Count"
  }

  lifecycle {
    precondition {
      condition     = length(setsubtract(keys(var.alarm_settings), keys(local.alarm_definitions))) == 0
      error_message = "alarm_settings names no such alarm: ${join(", ", setsubtract(keys(var.alarm_settings), keys(local.alarm_definitions)))}. The alarms: ${join(", ", keys(local.alarm_definitions))}."
    }
    precondition {
      condition     = length(each.value.pattern) <= 1024
      error_message = "The ${each.key} filter pattern exceeds CloudWatch Logs' 1024-character limit; shorten the bucket or role names."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.emulator_workarounds.create_metric_alarms ? local.alarm_definitions : {}

  alarm_name          = local.alarm_names[each.key]
  alarm_description   = each.value.description
  namespace           = local.alarm_namespace
  metric_name         = each.value.metric
  statistic           = "Sum"
  unit                = "Count"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = local.alarm_settings[each.key].threshold
  period              = local.alarm_settings[each.key].period
  evaluation_periods  = local.alarm_settings[each.key].evaluation_periods
  # Periods without a matching event publish no data point: quiet, not broken.
  treat_missing_data = "notBreaching"
  alarm_actions      = [local.sns_topic_arn]
  ok_actions         = [local.sns_topic_arn]
  tags               = local.tags

  # The metric exists once its filter does; the topic accepts alarms once its
  # policy does (its ARN is built from names, like every ARN the policies use).
  depends_on = [aws_cloudwatch_log_metric_filter.this, aws_sns_topic_policy.this]

  lifecycle {
    precondition {
      condition     = local.alarm_settings[each.key].period * local.alarm_settings[each.key].evaluation_periods <= 86400
      error_message = "The ${each.key} alarm's period × evaluation_periods exceeds one day (86400 seconds): lower either in alarm_settings."
    }
  }
}
