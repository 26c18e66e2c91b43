# The monitoring side: the trail, the monitoring key's policy, the topics and
# rules, alarms and queries; then the two keys and who may switch them off, the
# key guards, and the trail log bucket that cannot be rewritten.
# Offline: the AWS provider is mocked; runs with assertions are `command = apply`
# on the mock (see data.tftest.hcl), validation failures stay on plan.
# Conditions use try() where a statement's Principal may be "*": Terraform
# evaluates both sides of && and || .

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333", arn = "arn:aws:sts::111122223333:assumed-role/deployer/terraform" }
  }
  mock_data "aws_iam_session_context" {
    defaults = { issuer_arn = "arn:aws:iam::111122223333:role/deployer" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111122223333:key/0b7e5c5e-1111-2222-3333-444455556666"
      key_id = "0b7e5c5e-1111-2222-3333-444455556666"
    }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mocked" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111122223333:strongbox-alerts" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111122223333:role/mocked" }
  }
}

# The two keys must be told apart (the mock gives every aws_kms_key one ARN).
override_resource {
  target = aws_kms_key.monitoring
  values = {
    arn    = "arn:aws:kms:eu-west-1:111122223333:key/9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff"
    key_id = "9f8e7d6c-aaaa-bbbb-cccc-ddddeeeeffff"
  }
}

variables {
  role_principals = {
    uploader = ["arn:aws:iam::111122223333:user/alice"]
    viewer   = ["arn:aws:iam::111122223333:user/bob"]
    admin    = ["arn:aws:iam::111122223333:role/security-admins"]
  }
  tags = { Owner = "tests" }
}

run "trail_logs_the_main_bucket_objects_only" {
  command = apply

  assert {
    condition     = aws_cloudtrail.this.is_multi_region_trail && aws_cloudtrail.this.include_global_service_events && aws_cloudtrail.this.enable_log_file_validation
    error_message = "The trail must be multi-region, include global services and validate its log files."
  }

  assert {
    condition     = aws_cloudtrail.this.kms_key_id == aws_kms_key.monitoring.arn && aws_cloudtrail.this.s3_bucket_name == module.trail_log_bucket.id
    error_message = "The trail encrypts with the monitoring key and delivers to the trail log bucket."
  }

  assert {
    condition = length([
      for sel in aws_cloudtrail.this.advanced_event_selector : sel
      if contains(flatten([for f in sel.field_selector : f.equals if f.field == "eventCategory"]), "Data")
    ]) == 1
    error_message = "Exactly one data-event selector."
  }

  assert {
    condition = toset(flatten([
      for sel in aws_cloudtrail.this.advanced_event_selector : [for f in sel.field_selector : f.starts_with if f.field == "resources.ARN"]
      if contains(flatten([for f in sel.field_selector : f.equals if f.field == "eventCategory"]), "Data")
      ])) == toset(["arn:aws:s3:::strongbox-111122223333-eu-west-1/"]) && toset(flatten([
      for sel in aws_cloudtrail.this.advanced_event_selector : [for f in sel.field_selector : f.equals if f.field == "resources.type"]
    ])) == toset(["AWS::S3::Object"])
    error_message = "Data events are selected for the main bucket's objects only (ARN prefix with the trailing slash)."
  }

  assert {
    condition = alltrue(flatten([
      for sel in aws_cloudtrail.this.advanced_event_selector : [
        for f in sel.field_selector : [
          for v in concat(f.starts_with == null ? [] : f.starts_with, f.equals == null ? [] : f.equals) :
          !strcontains(v, "trail-logs") && !strcontains(v, "access-logs")
        ]
      ]
    ]))
    error_message = "No selector may name a log bucket: logging the log bucket's data events loops."
  }

  assert {
    condition = anytrue([
      for sel in aws_cloudtrail.this.advanced_event_selector :
      toset(flatten([for f in sel.field_selector : f.equals if f.field == "eventCategory"])) == toset(["Management"]) && length(sel.field_selector) == 1
    ])
    error_message = "Management events (read and write) are logged."
  }

  assert {
    condition     = aws_cloudwatch_log_group.trail.kms_key_id == aws_kms_key.monitoring.arn && aws_cloudwatch_log_group.trail.retention_in_days == 365
    error_message = "The trail's log group is encrypted with the module's key and keeps events 365 days by default."
  }

  assert {
    condition     = aws_cloudtrail.this.cloud_watch_logs_group_arn == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox:*" && aws_cloudtrail.this.cloud_watch_logs_role_arn == "arn:aws:iam::111122223333:role/strongbox-trail-logs" && aws_iam_role.trail_logs.name == "strongbox-trail-logs"
    error_message = "The trail delivers to its log group through its own role."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.trail_logs.policy).Statement == [{
      Sid      = "WriteTrailLogStreams"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox:log-stream:*"
    }]
    error_message = "The delivery role may only create streams and put events in the trail's log group."
  }

  assert {
    condition     = jsondecode(aws_iam_role.trail_logs.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/strongbox-trail"
    error_message = "Only this trail may assume the delivery role."
  }
}

run "trail_log_bucket_is_locked_down" {
  command = apply

  assert {
    condition = (
      module.trail_log_bucket.public_access_block.block_public_acls && module.trail_log_bucket.public_access_block.block_public_policy
      && module.trail_log_bucket.public_access_block.ignore_public_acls && module.trail_log_bucket.public_access_block.restrict_public_buckets
      && module.trail_log_bucket.object_ownership == "BucketOwnerEnforced"
      && module.trail_log_bucket.versioning_status == "Enabled"
    )
    error_message = "The trail log bucket is private, ACL-free and versioned."
  }

  assert {
    condition     = module.trail_log_bucket.bucket == "strongbox-trail-logs-111122223333-eu-west-1" && !module.trail_log_bucket.force_destroy
    error_message = "The trail log bucket is named <prefix>-trail-logs-<account>-<region> and not force-destroyed by default."
  }

  assert {
    condition = toset([for s in jsondecode(module.trail_log_bucket.policy).Statement : s.Sid]) == toset([
      "DenyInsecureTransport", "DenyLogDeletion", "DenyWritesExceptThisTrail", "DenyRolesReconfiguringTrailLogs", "CloudTrailAclCheck", "CloudTrailWrite",
    ])
    error_message = "The trail log bucket policy holds TLS-only, no deletes, no foreign writes, no role reconfiguration, and CloudTrail's two grants."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.trail_log_bucket.policy).Statement :
      s.Principal.Service == "cloudtrail.amazonaws.com" && s.Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/strongbox-trail"
      if s.Effect == "Allow"
    ])
    error_message = "Only this trail (aws:SourceArn) may write to the trail log bucket."
  }

  assert {
    condition = one([
      for s in jsondecode(module.trail_log_bucket.policy).Statement : s.Resource if s.Sid == "CloudTrailWrite"
    ]) == "arn:aws:s3:::strongbox-trail-logs-111122223333-eu-west-1/AWSLogs/111122223333/*"
    error_message = "CloudTrail writes only under AWSLogs/<account>/."
  }

  assert {
    condition = one([
      for s in jsondecode(module.trail_log_bucket.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && toset(s.Action) == toset(["s3:DeleteObject", "s3:DeleteObjectVersion"])
      if s.Sid == "DenyLogDeletion"
    ])
    error_message = "Nobody may delete a log file or a version of one."
  }

  assert {
    condition     = module.trail_log_bucket.lifecycle_expiration_days["expire-trail-logs"] == 365
    error_message = "Trail log files expire after trail_log_bucket_retention_days (365 by default)."
  }

  assert {
    condition     = module.trail_log_bucket.sse_algorithms == ["aws:kms"] && module.trail_log_bucket.sse_kms_key_ids == [aws_kms_key.monitoring.arn]
    error_message = "The trail log bucket defaults to SSE-KMS with the monitoring key (digest files; log files carry the trail's own KMS encryption)."
  }
}

run "key_policy_admits_each_service_scoped" {
  command = apply

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement :
      s.Principal.Service == "cloudtrail.amazonaws.com"
      && s.Action == ["kms:GenerateDataKey*"]
      && s.Condition.StringEquals["kms:EncryptionContext:aws:cloudtrail:arn"] == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/strongbox-trail"
      && s.Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/strongbox-trail"
      if s.Sid == "CloudTrailEncryptLogs"
    ])
    error_message = "CloudTrail may generate data keys only for this trail."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement :
      s.Principal.Service == "logs.eu-west-1.amazonaws.com"
      && s.Condition.ArnEquals["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox"
      if s.Sid == "CloudWatchLogsEncryptTrailLogGroup"
    ])
    error_message = "CloudWatch Logs may use the key only for the trail's log group."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement :
      s.Principal.Service == "cloudwatch.amazonaws.com"
      && s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:strongbox-*"
      && s.Condition.StringEquals["aws:SourceAccount"] == "111122223333"
      if s.Sid == "CloudWatchAlarmsPublishToEncryptedTopic"
    ])
    error_message = "CloudWatch may use the key for this deployment's alarms only."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement :
      s.Principal.Service == "events.amazonaws.com"
      && s.Condition.ArnEquals["aws:SourceArn"] == ["arn:aws:events:eu-west-1:111122223333:rule/strongbox-bucket-activity", "arn:aws:events:eu-west-1:111122223333:rule/strongbox-data-key-changes"]
      if s.Sid == "EventBridgePublishToEncryptedTopic"
    ])
    error_message = "EventBridge may use the monitoring key for this deployment's activity rule and data-key rule only."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Principal.Service == "events.amazonaws.com"
      && s.Condition.StringEquals["aws:SourceArn"] == "arn:aws:events:eu-west-1:111122223333:rule/strongbox-monitoring-key-changes"
      if s.Sid == "EventBridgePublishToKeyGuardTopic"
    ])
    error_message = "EventBridge may use the data key only for the monitoring key's rule (the key-guard topic)."
  }

  assert {
    condition = alltrue([
      for s in concat(jsondecode(aws_kms_key.this.policy).Statement, jsondecode(aws_kms_key.monitoring.policy).Statement) : can(s.Condition)
      if can(s.Principal.Service)
    ])
    error_message = "Every service statement in the key policy carries a scoping condition."
  }

  assert {
    condition     = !contains([for s in jsondecode(aws_kms_key.monitoring.policy).Statement : s.Sid], "CloudTrailLogFilesDecryptByReaders") && length([for s in jsondecode(module.trail_log_bucket.policy).Statement : s if startswith(s.Sid, "LogFileValidationReaders")]) == 0
    error_message = "Nobody may decrypt the trail's log files unless trail_log_reader_arns names them."
  }
}

run "trail_log_readers_decrypt_only_this_trails_files" {
  command = apply

  variables {
    trail_log_reader_arns = ["arn:aws:iam::111122223333:role/forensics"]
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement :
      s.Principal.AWS == ["arn:aws:iam::111122223333:role/forensics"] && s.Action == ["kms:Decrypt"]
      && s.Condition.StringEquals["kms:EncryptionContext:aws:cloudtrail:arn"] == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/strongbox-trail"
      if s.Sid == "CloudTrailLogFilesDecryptByReaders"
    ])
    error_message = "A named reader may decrypt only under this trail's encryption context."
  }
}

run "topic_is_encrypted_and_admits_only_this_deployment" {
  command = apply

  variables {
    notification_emails        = { alerts = ["security@example.com"] }
    notification_subscriptions = { alerts = [{ protocol = "https", endpoint = "https://hooks.example.com/strongbox" }] }
  }

  assert {
    condition     = aws_sns_topic.this["alerts"].kms_master_key_id == aws_kms_key.monitoring.arn
    error_message = "The alert topic is encrypted with the monitoring key."
  }

  assert {
    condition = {
      for s in jsondecode(aws_sns_topic_policy.this["alerts"].policy).Statement : s.Principal.Service => s.Condition if s.Effect == "Allow"
      } == {
      "cloudwatch.amazonaws.com" = {
        StringEquals = { "aws:SourceAccount" = "111122223333" }
        ArnLike      = { "aws:SourceArn" = ["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:strongbox-*"] }
      }
      "events.amazonaws.com" = {
        StringEquals = { "aws:SourceAccount" = "111122223333" }
        ArnLike      = { "aws:SourceArn" = ["arn:aws:events:eu-west-1:111122223333:rule/strongbox-data-key-changes"] }
      }
    }
    error_message = "Only this account's alarms (by name prefix) and the data key's rule may publish security alarms."
  }

  assert {
    condition = toset([for s in aws_sns_topic_subscription.alerts : "${s.protocol} ${s.endpoint}"]) == toset([
      "email security@example.com", "https https://hooks.example.com/strongbox",
    ])
    error_message = "Email addresses and the generic subscriptions both subscribe to the topic."
  }
}

run "rule_covers_every_call_on_the_main_bucket_by_default" {
  command = apply

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.bucket_activity.event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["AWS API Call via CloudTrail"]
      detail = {
        eventSource       = ["s3.amazonaws.com"]
        requestParameters = { bucketName = ["strongbox-111122223333-eu-west-1"] }
      }
    }
    error_message = "By default the rule matches every S3 API call CloudTrail records on the main bucket, and nothing else."
  }

  assert {
    condition     = aws_cloudwatch_event_target.bucket_activity_to_sns.arn == "arn:aws:sns:eu-west-1:111122223333:strongbox-activity" && aws_sns_topic.this["activity"].name == "strongbox-activity" && aws_sns_topic.this["alerts"].name == "strongbox-alerts"
    error_message = "The per-call rule notifies the activity topic, not the alerts topic."
  }

  assert {
    condition = alltrue([
      for field in ["who", "person", "action", "key", "ip", "agent", "time", "error", "errormsg"] :
      strcontains(one(aws_cloudwatch_event_target.bucket_activity_to_sns.input_transformer).input_template, "<${field}>")
      && contains(keys(one(aws_cloudwatch_event_target.bucket_activity_to_sns.input_transformer).input_paths), field)
    ])
    error_message = "The notice says who (and the SourceIdentity behind a role), what, which key, from where, when and the error."
  }

  assert {
    condition     = one(aws_cloudwatch_event_target.bucket_activity_to_sns.input_transformer).input_paths.person == "$.detail.userIdentity.sessionContext.sourceIdentity"
    error_message = "The person behind a role session comes from sessionContext.sourceIdentity."
  }
}

run "rule_narrows_to_notify_event_names" {
  command = apply

  variables {
    notify_event_names = ["DeleteObject", "PutBucketPolicy"]
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.bucket_activity.event_pattern).detail.eventName == ["DeleteObject", "PutBucketPolicy"]
    error_message = "notify_event_names narrows the rule to those event names."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.bucket_activity.event_pattern).detail.requestParameters.bucketName == ["strongbox-111122223333-eu-west-1"]
    error_message = "Narrowing keeps the rule on the main bucket."
  }
}

run "every_alarm_reports_to_the_topic" {
  command = apply

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset([
      "failed_uploads", "access_denied", "bucket_config_changes", "trail_changes", "kms_key_changes", "role_policy_changes", "assume_role_failures",
    ])
    error_message = "The seven alarms of issue 4 exist."
  }

  assert {
    condition = alltrue([
      for a in aws_cloudwatch_metric_alarm.this :
      a.alarm_actions == toset(["arn:aws:sns:eu-west-1:111122223333:strongbox-alerts"]) && a.ok_actions == toset(["arn:aws:sns:eu-west-1:111122223333:strongbox-alerts"])
      && a.treat_missing_data == "notBreaching" && startswith(a.alarm_name, "strongbox-")
      && a.namespace == "Strongbox/strongbox"
    ])
    error_message = "Every alarm sends ALARM and OK to the topic, treats missing data as not breaching and carries the name prefix the topic trusts."
  }

  assert {
    condition = alltrue([
      for key, a in aws_cloudwatch_metric_alarm.this :
      a.metric_name == aws_cloudwatch_log_metric_filter.this[key].metric_transformation[0].name
      && a.namespace == aws_cloudwatch_log_metric_filter.this[key].metric_transformation[0].namespace
      && aws_cloudwatch_log_metric_filter.this[key].log_group_name == aws_cloudwatch_log_group.trail.name
    ])
    error_message = "Each alarm watches the metric its filter on the trail's log group publishes."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["failed_uploads"].threshold == 5 && aws_cloudwatch_metric_alarm.this["failed_uploads"].period == 300
      && aws_cloudwatch_metric_alarm.this["trail_changes"].threshold == 1
    )
    error_message = "Default thresholds: 5 failed uploads in 5 minutes; any trail change."
  }

  assert {
    condition = alltrue([
      for key in ["failed_uploads", "access_denied"] :
      strcontains(aws_cloudwatch_log_metric_filter.this[key].pattern, "($.requestParameters.bucketName = \"strongbox-111122223333-eu-west-1\")")
      && strcontains(aws_cloudwatch_log_metric_filter.this[key].pattern, "$.errorCode")
    ])
    error_message = "Failure filters count errors on the main bucket only."
  }

  assert {
    condition = alltrue([
      for name in ["strongbox-uploader", "strongbox-viewer", "strongbox-admin"] :
      strcontains(aws_cloudwatch_log_metric_filter.this["role_policy_changes"].pattern, "($.requestParameters.roleName = \"${name}\")")
    ])
    error_message = "IAM policy changes are watched on each of the three roles."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_log_metric_filter.this["kms_key_changes"].pattern, aws_kms_key.this.arn)
    error_message = "Key changes are watched on the module's key."
  }
}

run "alarm_settings_are_variables" {
  command = apply

  variables {
    alarm_settings    = { failed_uploads = { threshold = 2, period = 60, evaluation_periods = 3 } }
    alarm_namespace   = "Acme/Files"
    alarm_name_prefix = "acme-files-"
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.this["failed_uploads"].threshold == 2
      && aws_cloudwatch_metric_alarm.this["failed_uploads"].period == 60
      && aws_cloudwatch_metric_alarm.this["failed_uploads"].evaluation_periods == 3
      && aws_cloudwatch_metric_alarm.this["access_denied"].threshold == 5
    )
    error_message = "One alarm's settings change without touching the others' defaults."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["failed_uploads"].alarm_name == "acme-files-failed-uploads" && aws_cloudwatch_metric_alarm.this["failed_uploads"].namespace == "Acme/Files"
    error_message = "alarm_name_prefix and alarm_namespace apply."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_sns_topic_policy.this["alerts"].policy).Statement : s.Condition.ArnLike["aws:SourceArn"] if s.Sid == "PublishFromThisDeploymentsAlarms"
    ]) == ["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:acme-files-*"]
    error_message = "The topic trusts alarms by the configured prefix."
  }
}

run "queries_read_the_trail_log_group" {
  command = apply

  assert {
    condition = toset(keys(aws_cloudwatch_query_definition.this)) == toset([
      "failed-uploads", "denied", "activity", "downloads", "sessions", "top-callers",
    ])
    error_message = "The six saved queries of issue 4 exist."
  }

  assert {
    condition = alltrue([
      for name, q in aws_cloudwatch_query_definition.this :
      tolist(q.log_group_names) == tolist([aws_cloudwatch_log_group.trail.name]) && q.name == "strongbox/${name}"
    ])
    error_message = "Every query reads the trail's log group and is named <prefix>/<short name>."
  }

  assert {
    condition = alltrue([
      for q in aws_cloudwatch_query_definition.this :
      strcontains(q.query_string, "requestParameters.bucketName = \"strongbox-111122223333-eu-west-1\"") || strcontains(q.query_string, "sts.amazonaws.com")
    ])
    error_message = "Every S3 query is scoped to the main bucket."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_query_definition.this["sessions"].query_string, "requestParameters.sourceIdentity as person")
    error_message = "Role sessions are grouped by the person (SourceIdentity)."
  }
}

run "only_admin_reads_the_audit_trail" {
  command = apply

  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.this["admin"].policy).Statement :
      s.Effect == "Allow" && contains(flatten([s.Action]), "logs:StartQuery")
      && toset(flatten([s.Resource])) == toset([
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox",
        "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/strongbox:*",
      ])
    ])
    error_message = "Admin may query the trail's log group, and only it."
  }

  assert {
    condition = alltrue([
      for a in ["logs:GetQueryResults", "logs:StopQuery", "logs:DescribeQueryDefinitions", "cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory", "cloudwatch:GetMetricData"] :
      anytrue([for s in jsondecode(aws_iam_role_policy.this["admin"].policy).Statement : s.Effect == "Allow" && contains(flatten([s.Action]), a)])
    ])
    error_message = "Admin may fetch query results, see alarm states and read delivery counts."
  }

  assert {
    condition = alltrue(flatten([
      for role in ["uploader", "viewer"] : [
        for s in jsondecode(aws_iam_role_policy.this[role].policy).Statement :
        length([for a in flatten([s.Action]) : a if startswith(a, "logs:") || startswith(a, "cloudwatch:")]) == 0
        if s.Effect == "Allow"
      ]
    ]))
    error_message = "Uploader and Viewer have no audit access."
  }
}

run "rejects_an_alarm_setting_for_no_such_alarm" {
  command = plan

  variables {
    alarm_settings = { failed_upload = { threshold = 2 } }
  }

  expect_failures = [aws_cloudwatch_log_metric_filter.this]
}

run "rejects_an_alarm_window_longer_than_a_day" {
  command = plan

  variables {
    alarm_settings = { trail_changes = { period = 3600, evaluation_periods = 25 } }
  }

  expect_failures = [aws_cloudwatch_metric_alarm.this]
}

run "query_definitions_can_be_left_out_for_an_emulator" {
  command = apply

  variables {
    emulator_workarounds = { create_query_definitions = false }
  }

  assert {
    condition     = length(aws_cloudwatch_query_definition.this) == 0 && length(output.query_names) == 0
    error_message = "Without saved queries, query_names is empty rather than naming queries that do not exist."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 7
    error_message = "Leaving out the saved queries leaves the alarms alone."
  }
}

run "alarms_can_be_left_out_for_an_emulator" {
  command = apply

  variables {
    emulator_workarounds = { create_metric_alarms = false }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.this) == 0 && length(output.alarm_names) == 0
    error_message = "Without alarms, alarm_names is empty rather than naming alarms that do not exist."
  }

  assert {
    condition     = length(aws_cloudwatch_log_metric_filter.this) == 7
    error_message = "Leaving out the alarms keeps the metric filters."
  }
}

################################################################################
# Two keys, the key guards, the trail log bucket
################################################################################

run "data_and_monitoring_are_separate_keys" {
  command = apply

  assert {
    condition     = aws_kms_key.monitoring.enable_key_rotation && aws_kms_alias.monitoring.name == "alias/strongbox-monitoring" && aws_kms_alias.this.name == "alias/strongbox"
    error_message = "The monitoring key rotates and is alias/<prefix>-monitoring; the data key keeps alias/<prefix>."
  }

  assert {
    condition = (
      aws_cloudtrail.this.kms_key_id == aws_kms_key.monitoring.arn
      && aws_cloudwatch_log_group.trail.kms_key_id == aws_kms_key.monitoring.arn
      && aws_sns_topic.this["alerts"].kms_master_key_id == aws_kms_key.monitoring.arn
      && aws_sns_topic.this["activity"].kms_master_key_id == aws_kms_key.monitoring.arn
      && module.trail_log_bucket.sse_kms_key_ids == [aws_kms_key.monitoring.arn]
    )
    error_message = "The trail, its log group, its bucket, the alarm and activity topics use the monitoring key."
  }

  assert {
    condition     = aws_sns_topic.this["key_guard"].kms_master_key_id == aws_kms_key.this.arn && one(aws_s3_bucket_server_side_encryption_configuration.main.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.this.arn
    error_message = "The data key encrypts the main bucket and the key-guard topic only."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement : s
      if contains(flatten([try(s.Principal.AWS, [])]), "arn:aws:iam::111122223333:role/strongbox-uploader")
    ]) == 0
    error_message = "No role may use the monitoring key."
  }
}

run "only_key_administrators_may_switch_a_key_off" {
  command = apply

  assert {
    condition = alltrue([
      for policy in [aws_kms_key.this.policy, aws_kms_key.monitoring.policy] : one([
        for s in jsondecode(policy).Statement :
        s.Effect == "Deny" && s.Principal == "*" && toset(s.Action) == toset(["kms:DisableKey", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"])
        && s.Condition.ArnNotEquals["aws:PrincipalArn"] == ["arn:aws:iam::111122223333:role/deployer"]
        if s.Sid == "DenyKeyLockoutExceptAdministrators"
      ])
    ])
    error_message = "Both keys deny DisableKey, ScheduleKeyDeletion and PutKeyPolicy to everyone but the administrators (the deployer by default)."
  }

  assert {
    condition = alltrue([
      for policy in [aws_kms_key.this.policy, aws_kms_key.monitoring.policy] : one([
        for s in jsondecode(policy).Statement : s.Principal.AWS if s.Sid == "KeyAdministration"
      ]) == ["arn:aws:iam::111122223333:role/deployer"]
    ])
    error_message = "By default the deployer's role (not its session) administers both keys, so Terraform cannot lock itself out."
  }

  assert {
    condition = alltrue([
      for policy in [aws_kms_key.this.policy, aws_kms_key.monitoring.policy] : alltrue([
        for s in jsondecode(policy).Statement : !anytrue([for p in flatten([try(s.Principal.AWS, [])]) : endswith(p, ":root")])
        if s.Effect == "Allow"
      ])
    ])
    error_message = "Neither key policy delegates to the account's IAM policies: no IAM grant (to a role or anyone) reaches the keys."
  }

  assert {
    condition     = output.kms_administrator_arns == tolist(["arn:aws:iam::111122223333:role/deployer"])
    error_message = "The administrators are reported."
  }
}

run "named_administrators_join_the_deployer" {
  command = apply

  variables {
    kms_administrator_arns = ["arn:aws:iam::111122223333:role/key-admins", "arn:aws:iam::111122223333:role/deployer"]
  }

  assert {
    condition     = output.kms_administrator_arns == tolist(["arn:aws:iam::111122223333:role/deployer", "arn:aws:iam::111122223333:role/key-admins"])
    error_message = "kms_administrator_arns are added to the deployer, without duplicates."
  }
}

run "deployer_can_step_aside_for_named_administrators" {
  command = apply

  variables {
    kms_deployer_is_administrator = false
    kms_administrator_arns        = ["arn:aws:iam::111122223333:role/key-admins"]
  }

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement : s.Condition.ArnNotEquals["aws:PrincipalArn"] if s.Sid == "DenyKeyLockoutExceptAdministrators"
    ]) == ["arn:aws:iam::111122223333:role/key-admins"]
    error_message = "Without the deployer, only the named administrators are exempt."
  }
}

run "rejects_keys_without_any_administrator" {
  command = plan

  variables {
    kms_deployer_is_administrator = false
  }

  expect_failures = [aws_kms_key.this, aws_kms_key.monitoring]
}

run "each_key_is_guarded_through_the_other_keys_topic" {
  command = apply

  variables {
    notification_emails = { alerts = ["security@example.com"], activity = ["activity@example.com"] }
    notification_subscriptions = {
      activity = [{ protocol = "sqs", endpoint = "arn:aws:sqs:eu-west-1:111122223333:strongbox-activity" }]
    }
  }

  assert {
    condition = {
      for k, rule in aws_cloudwatch_event_rule.key_changes : k => jsondecode(rule.event_pattern).detail.resources.ARN
      } == {
      data       = [aws_kms_key.this.arn]
      monitoring = [aws_kms_key.monitoring.arn]
    }
    error_message = "One rule per key, naming that key."
  }

  assert {
    condition = alltrue([
      for rule in aws_cloudwatch_event_rule.key_changes :
      jsondecode(rule.event_pattern).source == ["aws.kms"] && jsondecode(rule.event_pattern).detail.eventName == ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy"]
    ])
    error_message = "The key rules watch CloudTrail's DisableKey, ScheduleKeyDeletion and PutKeyPolicy."
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.key_changes_to_sns["data"].arn == "arn:aws:sns:eu-west-1:111122223333:strongbox-alerts"
      && aws_cloudwatch_event_target.key_changes_to_sns["monitoring"].arn == "arn:aws:sns:eu-west-1:111122223333:strongbox-key-guard"
    )
    error_message = "The data key's changes go to the alerts topic (monitoring key), the monitoring key's to the key-guard topic (data key)."
  }

  assert {
    condition = (
      toset([for s in aws_sns_topic_subscription.key_guard : "${s.protocol} ${s.endpoint}"]) == toset(["email security@example.com"])
      && toset([for s in aws_sns_topic_subscription.alerts : "${s.protocol} ${s.endpoint}"]) == toset(["email security@example.com"])
      && toset([for s in aws_sns_topic_subscription.activity : "${s.protocol} ${s.endpoint}"]) == toset(["email activity@example.com", "sqs arn:aws:sqs:eu-west-1:111122223333:strongbox-activity"])
    )
    error_message = "Security alarms (alerts, key guard) and per-call notices (activity) have their own subscribers."
  }

  assert {
    condition = {
      for s in jsondecode(aws_sns_topic_policy.this["key_guard"].policy).Statement : s.Principal.Service => s.Condition.ArnLike["aws:SourceArn"] if s.Effect == "Allow"
    } == { "events.amazonaws.com" = ["arn:aws:events:eu-west-1:111122223333:rule/strongbox-monitoring-key-changes"] }
    error_message = "Only the monitoring key's rule publishes to the key-guard topic."
  }

  assert {
    condition = {
      for s in jsondecode(aws_sns_topic_policy.this["activity"].policy).Statement : s.Principal.Service => s.Condition.ArnLike["aws:SourceArn"] if s.Effect == "Allow"
    } == { "events.amazonaws.com" = ["arn:aws:events:eu-west-1:111122223333:rule/strongbox-bucket-activity"] }
    error_message = "Only the per-call rule publishes to the activity topic; alarms never do."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_log_metric_filter.this["kms_key_changes"].pattern, aws_kms_key.monitoring.arn) && strcontains(aws_cloudwatch_log_metric_filter.this["kms_key_changes"].pattern, aws_kms_key.this.arn)
    error_message = "The key-changes alarm watches both keys."
  }
}

run "trail_logs_cannot_be_rewritten" {
  command = apply

  assert {
    condition = one([
      for s in jsondecode(module.trail_log_bucket.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:PutObject"
      && s.Condition.StringNotEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:111122223333:trail/strongbox-trail"
      if s.Sid == "DenyWritesExceptThisTrail"
    ])
    error_message = "Object writes to the trail log bucket are denied unless CloudTrail writes for this trail."
  }

  assert {
    condition = one([
      for s in jsondecode(module.trail_log_bucket.policy).Statement :
      s.Effect == "Deny" && toset(s.Condition.ArnEquals["aws:PrincipalArn"]) == toset([
        "arn:aws:iam::111122223333:role/strongbox-uploader", "arn:aws:iam::111122223333:role/strongbox-viewer", "arn:aws:iam::111122223333:role/strongbox-admin",
      ])
      && length(setsubtract(toset(["s3:PutLifecycleConfiguration", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration"]), toset(s.Action))) == 0
      if s.Sid == "DenyRolesReconfiguringTrailLogs"
    ])
    error_message = "The three roles may not change the trail log bucket's lifecycle, policy or lock, nor bypass it."
  }

  assert {
    condition     = module.trail_log_bucket.object_lock == { mode = "GOVERNANCE", days = 365 }
    error_message = "Object Lock holds every trail log version in GOVERNANCE mode for 365 days by default."
  }

  assert {
    condition     = module.trail_log_bucket.access_log_target == { bucket = module.access_log_bucket.id, prefix = "s3/strongbox-trail-logs-111122223333-eu-west-1/" }
    error_message = "The trail log bucket's own access logs go to the access-log bucket, under its own prefix."
  }

  assert {
    condition     = length(aws_s3_bucket_replication_configuration.trail_logs) == 0 && length(aws_iam_role.trail_replication) == 0 && length(aws_cloudtrail.this.insight_selector) == 0
    error_message = "Replication and CloudTrail Insights are off by default."
  }
}

run "object_lock_is_a_variable" {
  command = apply
  variables {
    trail_log_object_lock = { mode = "COMPLIANCE", retention_days = 2555 }
  }
  assert {
    condition     = module.trail_log_bucket.object_lock == { mode = "COMPLIANCE", days = 2555 }
    error_message = "trail_log_object_lock sets the mode and the retention."
  }
}

run "object_lock_can_be_left_out" {
  command = apply
  variables {
    trail_log_object_lock = null
  }
  assert {
    condition     = module.trail_log_bucket.object_lock == null
    error_message = "trail_log_object_lock = null configures no Object Lock."
  }
}

run "validation_readers_get_what_validate_logs_needs" {
  command = apply
  variables {
    trail_log_reader_arns = ["arn:aws:iam::111122223333:role/forensics"]
  }
  assert {
    condition = {
      for s in jsondecode(module.trail_log_bucket.policy).Statement : s.Sid => toset(s.Action)
      if try(s.Principal.AWS, null) == ["arn:aws:iam::111122223333:role/forensics"]
      } == {
      LogFileValidationReadersList = toset(["s3:ListBucket", "s3:GetBucketLocation"])
      LogFileValidationReadersGet  = toset(["s3:GetObject", "s3:GetObjectVersion"])
    }
    error_message = "Readers may list the trail log bucket and read its log and digest files, nothing more."
  }
  assert {
    condition = toset([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement : s.Sid
      if try(s.Principal.AWS, null) == ["arn:aws:iam::111122223333:role/forensics"]
    ]) == toset(["CloudTrailLogFilesDecryptByReaders", "TrailLogBucketDecryptByReaders"])
    error_message = "Readers may decrypt the log files (trail context) and the digests (via S3, this bucket)."
  }
}

run "replication_is_a_variable" {
  command = apply
  variables {
    trail_log_replication = {
      destination_bucket_arn  = "arn:aws:s3:::audit-archive-eu-central-1"
      destination_kms_key_arn = "arn:aws:kms:eu-central-1:444455556666:key/11112222-3333-4444-5555-666677778888"
    }
  }
  assert {
    condition = (
      one(one(aws_s3_bucket_replication_configuration.trail_logs).rule).destination[0].bucket == "arn:aws:s3:::audit-archive-eu-central-1"
      && one(one(aws_s3_bucket_replication_configuration.trail_logs).rule).destination[0].encryption_configuration[0].replica_kms_key_id == "arn:aws:kms:eu-central-1:444455556666:key/11112222-3333-4444-5555-666677778888"
      && one(one(aws_s3_bucket_replication_configuration.trail_logs).rule).source_selection_criteria[0].sse_kms_encrypted_objects[0].status == "Enabled"
    )
    error_message = "Replication copies the KMS-encrypted trail logs to the destination, re-encrypted with its key."
  }
  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.monitoring.policy).Statement : s.Principal.AWS if s.Sid == "TrailLogReplicationDecrypt"
    ]) == "arn:aws:iam::111122223333:role/strongbox-trail-replication"
    error_message = "The replication role may decrypt the source files with the monitoring key."
  }
}

run "insights_are_a_variable" {
  command = apply
  variables {
    trail_insight_types = ["ApiCallRateInsight", "ApiErrorRateInsight"]
  }
  assert {
    condition     = toset([for s in aws_cloudtrail.this.insight_selector : s.insight_type]) == toset(["ApiCallRateInsight", "ApiErrorRateInsight"])
    error_message = "trail_insight_types turns on CloudTrail Insights selectors."
  }
}

################################################################################
# Invalid inputs. Each run sets one bad value for each of several variables;
# expect_failures fails the run unless every listed variable reports its own
# validation error, so each case is still checked alone (fewer plans to run).
################################################################################

run "rejects_invalid_inputs_a" {
  command = plan

  variables {
    # plain http subscriptions
    notification_subscriptions = { alerts = [{ protocol = "http", endpoint = "http://hooks.example.com/strongbox" }] }
    # bad email
    notification_emails = { alerts = ["not-an-address"] }
    # retention cloudwatch does not accept
    trail_log_retention_days = 42
    # empty notify event names
    notify_event_names = []
    # sub minute alarm period
    alarm_settings = { access_denied = { period = 30 } }
    # a key administrator that is a session
    kms_administrator_arns = ["arn:aws:sts::111122223333:assumed-role/deployer/terraform"]
    # an unknown object lock mode
    trail_log_object_lock = { mode = "LEGAL_HOLD" }
    # replication to a non bucket
    trail_log_replication = {
      destination_bucket_arn  = "audit-archive"
      destination_kms_key_arn = "arn:aws:kms:eu-central-1:444455556666:key/11112222-3333-4444-5555-666677778888"
    }
    # an unknown insight type
    trail_insight_types = ["ApiLatencyInsight"]
  }

  expect_failures = [
    var.notification_subscriptions,
    var.notification_emails,
    var.trail_log_retention_days,
    var.notify_event_names,
    var.alarm_settings,
    var.kms_administrator_arns,
    var.trail_log_object_lock,
    var.trail_log_replication,
    var.trail_insight_types,
  ]
}

run "rejects_invalid_inputs_b" {
  command = plan

  variables {
    # plain http activity subscriptions
    notification_subscriptions = { activity = [{ protocol = "http", endpoint = "http://hooks.example.com/strongbox" }] }
    # a bad activity email
    notification_emails = { activity = ["not-an-email"] }
    # an object lock of zero days
    trail_log_object_lock = { retention_days = 0 }
  }

  expect_failures = [
    var.notification_subscriptions,
    var.notification_emails,
    var.trail_log_object_lock,
  ]
}
