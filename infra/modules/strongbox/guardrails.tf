# Defence in depth: whatever else gets attached to a role later, none of the
# three roles may blind the monitoring or send the data elsewhere. The
# monitoring resources are named by patterns derived from name_prefix (and
# alarm_name_prefix), so the denials hold for every trail, log group, alarm,
# rule and topic the module names that way, however the monitoring files
# split them.

locals {
  arn_base = "arn:${local.partition}"

  monitoring_name_patterns = {
    trails     = "${local.arn_base}:cloudtrail:*:${local.account_id}:trail/${var.name_prefix}-*"
    log_groups = "${local.arn_base}:logs:*:${local.account_id}:log-group:/aws/cloudtrail/${var.name_prefix}*"
    alarms     = "${local.arn_base}:cloudwatch:*:${local.account_id}:alarm:${coalesce(var.alarm_name_prefix, "${var.name_prefix}-")}*"
    rules      = "${local.arn_base}:events:*:${local.account_id}:rule/${var.name_prefix}-*"
    topics     = "${local.arn_base}:sns:*:${local.account_id}:${var.name_prefix}-*"
    buckets    = "${local.arn_base}:s3:::${var.name_prefix}-*"
  }

  deny_monitoring_changes = [
    {
      Sid    = "DenyTrailChanges"
      Effect = "Deny"
      Action = [
        "cloudtrail:AddTags",
        "cloudtrail:DeleteTrail",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:PutInsightSelectors",
        "cloudtrail:RemoveTags",
        "cloudtrail:StopLogging",
        "cloudtrail:UpdateTrail",
      ]
      Resource = local.monitoring_name_patterns.trails
    },
    {
      Sid    = "DenyTrailLogGroupChanges"
      Effect = "Deny"
      Action = [
        "logs:AssociateKmsKey",
        "logs:DeleteLogGroup",
        "logs:DeleteLogStream",
        "logs:DeleteMetricFilter",
        "logs:DeleteRetentionPolicy",
        "logs:DeleteSubscriptionFilter",
        "logs:DisassociateKmsKey",
        "logs:PutMetricFilter",
        "logs:PutRetentionPolicy",
        "logs:PutSubscriptionFilter",
      ]
      Resource = [local.monitoring_name_patterns.log_groups, "${local.monitoring_name_patterns.log_groups}:*"]
    },
    {
      Sid    = "DenyAlarmChanges"
      Effect = "Deny"
      Action = [
        "cloudwatch:DeleteAlarms",
        "cloudwatch:DisableAlarmActions",
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:SetAlarmState",
      ]
      Resource = local.monitoring_name_patterns.alarms
    },
    {
      Sid    = "DenyEventRuleChanges"
      Effect = "Deny"
      Action = [
        "events:DeleteRule",
        "events:DisableRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
      ]
      Resource = local.monitoring_name_patterns.rules
    },
    {
      Sid    = "DenyTopicChanges"
      Effect = "Deny"
      Action = [
        "sns:AddPermission",
        "sns:DeleteTopic",
        "sns:PutDataProtectionPolicy",
        "sns:RemovePermission",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Unsubscribe",
      ]
      Resource = local.monitoring_name_patterns.topics
    },
  ]
}
