# Issue 9, monitoring side: two keys and who may switch them off, the key
# guards, the alert and activity topics, and the trail log bucket that cannot be
# rewritten. Offline: the AWS provider is mocked; runs with assertions are
# `command = apply` on the mock (see defaults.tftest.hcl), validation failures
# stay on plan. Conditions use try() where a statement's Principal may be "*":
# Terraform evaluates both sides of && and || .

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
}

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
      && aws_sns_topic.alerts.kms_master_key_id == aws_kms_key.monitoring.arn
      && aws_sns_topic.activity.kms_master_key_id == aws_kms_key.monitoring.arn
      && module.trail_log_bucket.sse_kms_key_ids == [aws_kms_key.monitoring.arn]
    )
    error_message = "The trail, its log group, its bucket, the alarm and activity topics use the monitoring key."
  }

  assert {
    condition     = aws_sns_topic.key_guard.kms_master_key_id == aws_kms_key.this.arn && one(aws_s3_bucket_server_side_encryption_configuration.main.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.this.arn
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

run "rejects_a_key_administrator_that_is_a_session" {
  command = plan

  variables {
    kms_administrator_arns = ["arn:aws:sts::111122223333:assumed-role/deployer/terraform"]
  }

  expect_failures = [var.kms_administrator_arns]
}

run "each_key_is_guarded_through_the_other_keys_topic" {
  command = apply

  variables {
    alert_emails    = ["security@example.com"]
    activity_emails = ["activity@example.com"]
    activity_subscriptions = [
      { protocol = "sqs", endpoint = "arn:aws:sqs:eu-west-1:111122223333:strongbox-activity" },
    ]
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
      for s in jsondecode(aws_sns_topic_policy.key_guard.policy).Statement : s.Principal.Service => s.Condition.ArnLike["aws:SourceArn"] if s.Effect == "Allow"
    } == { "events.amazonaws.com" = ["arn:aws:events:eu-west-1:111122223333:rule/strongbox-monitoring-key-changes"] }
    error_message = "Only the monitoring key's rule publishes to the key-guard topic."
  }

  assert {
    condition = {
      for s in jsondecode(aws_sns_topic_policy.activity.policy).Statement : s.Principal.Service => s.Condition.ArnLike["aws:SourceArn"] if s.Effect == "Allow"
    } == { "events.amazonaws.com" = ["arn:aws:events:eu-west-1:111122223333:rule/strongbox-bucket-activity"] }
    error_message = "Only the per-call rule publishes to the activity topic; alarms never do."
  }

  assert {
    condition     = strcontains(aws_cloudwatch_log_metric_filter.this["kms_key_changes"].pattern, aws_kms_key.monitoring.arn) && strcontains(aws_cloudwatch_log_metric_filter.this["kms_key_changes"].pattern, aws_kms_key.this.arn)
    error_message = "The key-changes alarm watches both keys."
  }
}

run "rejects_plain_http_activity_subscriptions" {
  command = plan
  variables {
    activity_subscriptions = [{ protocol = "http", endpoint = "http://hooks.example.com/strongbox" }]
  }
  expect_failures = [var.activity_subscriptions]
}

run "rejects_a_bad_activity_email" {
  command = plan
  variables {
    activity_emails = ["not-an-email"]
  }
  expect_failures = [var.activity_emails]
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

run "rejects_an_unknown_object_lock_mode" {
  command = plan
  variables {
    trail_log_object_lock = { mode = "LEGAL_HOLD" }
  }
  expect_failures = [var.trail_log_object_lock]
}

run "rejects_an_object_lock_of_zero_days" {
  command = plan
  variables {
    trail_log_object_lock = { retention_days = 0 }
  }
  expect_failures = [var.trail_log_object_lock]
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

run "rejects_replication_to_a_non_bucket" {
  command = plan
  variables {
    trail_log_replication = {
      destination_bucket_arn  = "audit-archive"
      destination_kms_key_arn = "arn:aws:kms:eu-central-1:444455556666:key/11112222-3333-4444-5555-666677778888"
    }
  }
  expect_failures = [var.trail_log_replication]
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

run "rejects_an_unknown_insight_type" {
  command = plan
  variables {
    trail_insight_types = ["ApiLatencyInsight"]
  }
  expect_failures = [var.trail_insight_types]
}
