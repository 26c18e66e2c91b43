# Admins hear about the stack on three SNS topics:
#
# - alerts (<prefix>-alerts): security alarms. The CloudWatch alarms
#   (alerts.tf) publish their state changes here, and so does the rule that
#   watches the data key. Encrypted with the monitoring key.
# - activity (<prefix>-activity): one readable notice per API call on the
#   main bucket (the EventBridge rule bucket_activity). A 10,000-part upload
#   makes 10,000 notices here and none on the alerts topic. Encrypted with the
#   monitoring key.
# - key guard (<prefix>-key-guard): the rule that watches the monitoring key
#   publishes here. Encrypted with the data key, so disabling the monitoring
#   key (which silences the other two topics) is still announced; disabling
#   the data key is announced on the alerts topic. Subscribed like alerts.
#
# The key rules read CloudTrail's management events on the default event bus:
# EventBridge receives them from CloudTrail whether or not the trail can still
# write its logs (the trail and its log group use the monitoring key too).
#
# CloudTrail's own sns_topic_name would fire per log file delivered, not per
# call; per-call notices need the rule on "AWS API Call via CloudTrail".

locals {
  sns_topic_name = "${var.name_prefix}-alerts"
  sns_topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.sns_topic_name}"

  activity_topic_name  = "${var.name_prefix}-activity"
  activity_topic_arn   = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.activity_topic_name}"
  key_guard_topic_name = "${var.name_prefix}-key-guard"
  key_guard_topic_arn  = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.key_guard_topic_name}"

  event_rule_name = "${var.name_prefix}-bucket-activity"
  event_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.event_rule_name}"

  # One rule per key: its changes go to the topic the OTHER key encrypts.
  # Names (and so ARNs) first: the key policies name the rules.
  key_rule_names = {
    data       = "${var.name_prefix}-data-key-changes"
    monitoring = "${var.name_prefix}-monitoring-key-changes"
  }
  key_rule_arns = { for k, name in local.key_rule_names : k => "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${name}" }
  key_rules = {
    data = {
      name      = local.key_rule_names.data
      key_arn   = aws_kms_key.this.arn
      topic_arn = local.sns_topic_arn
      what      = "the data key (main bucket)"
    }
    monitoring = {
      name      = local.key_rule_names.monitoring
      key_arn   = aws_kms_key.monitoring.arn
      topic_arn = local.key_guard_topic_arn
      what      = "the monitoring key (trail, log group, alarm and activity topics)"
    }
  }

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

  # A key's CloudTrail record names it in resources[].ARN whatever form the
  # caller used (key id, ARN or alias).
  key_rule_patterns = {
    for k, r in local.key_rules : k => {
      source        = ["aws.kms"]
      "detail-type" = ["AWS API Call via CloudTrail"]
      detail = {
        eventSource = ["kms.amazonaws.com"]
        eventName   = local.kms_change_event_names
        resources   = { ARN = [r.key_arn] }
      }
    }
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

  key_message_paths = {
    who      = "$.detail.userIdentity.arn"
    person   = "$.detail.userIdentity.sessionContext.sourceIdentity"
    action   = "$.detail.eventName"
    ip       = "$.detail.sourceIPAddress"
    time     = "$.detail.eventTime"
    error    = "$.detail.errorCode"
    event_id = "$.detail.eventID"
  }

  # The three topics: name, the key that encrypts it, who hears it (a list of
  # notification_emails / notification_subscriptions) and who may publish to it
  # (service principal → allowed source ARNs).
  topics = {
    alerts = {
      name         = local.sns_topic_name
      arn          = local.sns_topic_arn
      display_name = "Strongbox ${var.name_prefix} alarms"
      kms_key_arn  = aws_kms_key.monitoring.arn
      audience     = "alerts"
      publishers = [
        { sid = "PublishFromThisDeploymentsAlarms", service = "cloudwatch.amazonaws.com", source_arns = [local.alarm_arn_pattern] },
        { sid = "PublishFromTheDataKeyRule", service = "events.amazonaws.com", source_arns = [local.key_rule_arns.data] },
      ]
    }
    activity = {
      name         = local.activity_topic_name
      arn          = local.activity_topic_arn
      display_name = "Strongbox ${var.name_prefix} activity"
      kms_key_arn  = aws_kms_key.monitoring.arn
      audience     = "activity"
      publishers   = [{ sid = "PublishFromThisDeploymentsRule", service = "events.amazonaws.com", source_arns = [local.event_rule_arn] }]
    }
    key_guard = {
      name         = local.key_guard_topic_name
      arn          = local.key_guard_topic_arn
      display_name = "Strongbox ${var.name_prefix} key guard"
      kms_key_arn  = aws_kms_key.this.arn
      audience     = "alerts"
      publishers   = [{ sid = "PublishFromTheMonitoringKeyRule", service = "events.amazonaws.com", source_arns = [local.key_rule_arns.monitoring] }]
    }
  }

  topic_policies = {
    for topic, t in local.topics : topic => jsonencode({
      Version = "2012-10-17"
      Statement = concat(
        [for p in t.publishers : {
          Sid       = p.sid
          Effect    = "Allow"
          Principal = { Service = p.service }
          Action    = "sns:Publish"
          Resource  = t.arn
          Condition = {
            StringEquals = { "aws:SourceAccount" = local.account_id }
            ArnLike      = { "aws:SourceArn" = p.source_arns }
          }
        }],
        [{
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = "sns:Publish"
          Resource  = t.arn
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        }],
      )
    })
  }
  # Kept for readers of the alert topic's policy (tests, outputs).
  sns_topic_policy = local.topic_policies.alerts

  # For kms.tf: the topics' publishers may use the key that encrypts each topic
  # (alerts and activity: the monitoring key; key guard: the data key).
  notifications_kms_statements = {
    monitoring = [
      {
        Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = local.alarm_arn_pattern }
        }
      },
      {
        # The per-call rule (activity topic) and the data key's rule (alerts topic).
        Sid       = "EventBridgePublishToEncryptedTopic"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = [local.event_rule_arn, local.key_rule_arns.data] }
        }
      },
    ]
    # The monitoring key's rule publishes to the key-guard topic, which the data key encrypts.
    data = [{
      Sid       = "EventBridgePublishToKeyGuardTopic"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = local.account_id
          "aws:SourceArn"     = local.key_rule_arns.monitoring
        }
      }
    }]
  }

  # Who hears each audience, by "protocol:endpoint" (the subscription's key in state).
  subscribers = {
    for audience in ["alerts", "activity"] : audience => {
      for s in concat(
        [for email in var.notification_emails[audience] : { protocol = "email", endpoint = email }],
        var.notification_subscriptions[audience],
      ) : "${s.protocol}:${s.endpoint}" => s
    }
  }
}

################################################################################
# Security alarms
################################################################################

# The three topics and their policies; each topic's subscriptions follow, one
# resource per topic (their addresses predate the for_each).
resource "aws_sns_topic" "this" {
  for_each = local.topics

  name              = each.value.name
  display_name      = each.value.display_name
  kms_master_key_id = each.value.kms_key_arn
  tags              = local.tags
}

resource "aws_sns_topic_policy" "this" {
  for_each = local.topics

  arn    = aws_sns_topic.this[each.key].arn
  policy = local.topic_policies[each.key]
}

resource "aws_sns_topic_subscription" "alerts" {
  for_each = local.subscribers.alerts

  topic_arn = aws_sns_topic.this["alerts"].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

################################################################################
# Per-call activity notices
################################################################################

resource "aws_sns_topic_subscription" "activity" {
  for_each = local.subscribers.activity

  topic_arn = aws_sns_topic.this["activity"].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_event_rule" "bucket_activity" {
  name          = local.event_rule_name
  description   = "API calls on s3://${local.bucket_name}, as CloudTrail records them, to the activity topic"
  event_pattern = jsonencode(local.event_rule_pattern)
  tags          = local.tags
}

resource "aws_cloudwatch_event_target" "bucket_activity_to_sns" {
  rule = aws_cloudwatch_event_rule.bucket_activity.name
  # The id from when this target was the only topic: a new id would replace the
  # target, and notices would stop for the moment in between.
  target_id = "admins-topic"
  arn       = local.activity_topic_arn

  input_transformer {
    input_paths    = local.event_message_paths
    input_template = local.event_message_template
  }

  depends_on = [aws_sns_topic_policy.this]
}

################################################################################
# Key guard: either key disabled, scheduled for deletion or re-policied
################################################################################

resource "aws_sns_topic_subscription" "key_guard" {
  for_each = local.subscribers.alerts

  topic_arn = aws_sns_topic.this["key_guard"].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_event_rule" "key_changes" {
  for_each = local.key_rules

  name          = each.value.name
  description   = "DisableKey, ScheduleKeyDeletion or PutKeyPolicy on ${each.value.what}, to a topic another key encrypts"
  event_pattern = jsonencode(local.key_rule_patterns[each.key])
  tags          = local.tags
}

resource "aws_cloudwatch_event_target" "key_changes_to_sns" {
  for_each = local.key_rules

  rule      = aws_cloudwatch_event_rule.key_changes[each.key].name
  target_id = "key-guard"
  arn       = each.value.topic_arn

  input_transformer {
    input_paths    = local.key_message_paths
    input_template = "\"Strongbox ALARM: <action> on ${each.value.what} ${each.value.key_arn} | who: <who> (person: <person>) | from: <ip> | when: <time> | error: <error> | event: <event_id>\""
  }

  depends_on = [aws_sns_topic_policy.this]
}
