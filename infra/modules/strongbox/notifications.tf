# Admins hear about trouble on one SNS topic, encrypted with the module's key:
# the alarms (alerts.tf) publish their state changes, and an EventBridge rule
# publishes one readable message per API call on the main bucket.
#
# CloudTrail's own sns_topic_name would fire per log file delivered, not per
# call; per-call notices need the rule on "AWS API Call via CloudTrail".

locals {
  sns_topic_name = "${var.name_prefix}-alerts"
  sns_topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.sns_topic_name}"

  event_rule_name = "${var.name_prefix}-bucket-activity"
  event_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.event_rule_name}"

  # Every alarm of the module is named <alarm_name_prefix><short name>, so the
  # topic and the key can trust this deployment's alarms and no others.
  alarm_name_prefix = coalesce(var.alarm_name_prefix, "${var.name_prefix}-")
  alarm_arn_pattern = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${local.alarm_name_prefix}*"

  # S3 API calls on the main bucket, data and management events alike (both
  # carry requestParameters.bucketName). notify_event_names narrows it.
  event_rule_pattern = {
    source        = ["aws.s3"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail = merge(
      {
        eventSource       = ["s3.amazonaws.com"]
        requestParameters = { bucketName = [local.bucket_name] }
      },
      var.notify_event_names == null ? {} : { eventName = var.notify_event_names },
    )
  }

  # One line a person can read; a field the call did not have comes out empty.
  event_message_paths = {
    who      = "$.detail.userIdentity.arn"
    person   = "$.detail.userIdentity.sessionContext.sourceIdentity"
    action   = "$.detail.eventName"
    bucket   = "$.detail.requestParameters.bucketName"
    key      = "$.detail.requestParameters.key"
    ip       = "$.detail.sourceIPAddress"
    agent    = "$.detail.userAgent"
    time     = "$.detail.eventTime"
    region   = "$.detail.awsRegion"
    error    = "$.detail.errorCode"
    errormsg = "$.detail.errorMessage"
    event_id = "$.detail.eventID"
  }
  # A quoted template makes EventBridge send plain text (escaping the values).
  event_message_template = "\"Strongbox: <action> on s3://<bucket>/<key> | who: <who> (person: <person>) | from: <ip> (<agent>) | when: <time> <region> | error: <error> <errormsg> | event: <event_id>\""

  sns_topic_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PublishFromThisDeploymentsAlarms"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.sns_topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
        }
      },
      {
        Sid       = "PublishFromThisDeploymentsRule"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.sns_topic_arn
        Condition = {
          StringEquals = {
            "aws:SourceAccount" = local.account_id
            "aws:SourceArn"     = local.event_rule_arn
          }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = local.sns_topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })

  alert_subscriptions = concat(
    [for email in var.alert_emails : { protocol = "email", endpoint = email }],
    var.alert_subscriptions,
  )
}

resource "aws_sns_topic" "alerts" {
  name              = local.sns_topic_name
  display_name      = "Strongbox ${var.name_prefix}"
  kms_master_key_id = aws_kms_key.this.arn
  tags              = local.tags
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = local.sns_topic_policy
}

resource "aws_sns_topic_subscription" "alerts" {
  for_each = { for s in local.alert_subscriptions : "${s.protocol}:${s.endpoint}" => s }

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_event_rule" "bucket_activity" {
  name          = local.event_rule_name
  description   = "API calls on s3://${local.bucket_name}, as CloudTrail records them, to the admins' topic"
  event_pattern = jsonencode(local.event_rule_pattern)
  tags          = local.tags
}

resource "aws_cloudwatch_event_target" "bucket_activity_to_sns" {
  rule      = aws_cloudwatch_event_rule.bucket_activity.name
  target_id = "admins-topic"
  arn       = local.sns_topic_arn

  input_transformer {
    input_paths    = local.event_message_paths
    input_template = local.event_message_template
  }

  depends_on = [aws_sns_topic_policy.alerts]
}
