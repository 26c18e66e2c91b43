output "region" {
  description = "Region of the bucket, the key and the roles' KMS condition."
  value       = local.region
}

output "account_id" {
  description = "Account that holds the stack."
  value       = local.account_id
}

output "bucket_name" {
  description = "Name of the main bucket."
  value       = aws_s3_bucket.main.id
}

output "bucket_arn" {
  description = "ARN of the main bucket."
  value       = aws_s3_bucket.main.arn
}

output "bucket_policy_json" {
  description = "The main bucket's policy as rendered, attached or not (see emulator_workarounds.attach_bucket_policy)."
  value       = local.bucket_policy
}

output "bucket_policy_attached" {
  description = "Whether bucket_policy_json is attached to the main bucket."
  value       = var.emulator_workarounds.attach_bucket_policy
}

output "max_signature_age_ms" {
  description = "Oldest pre-signed URL signature the bucket policy accepts, in milliseconds (null: no limit)."
  value       = var.max_signature_age_ms
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key that encrypts the main bucket."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "Alias of the key (alias/<name_prefix>)."
  value       = aws_kms_alias.this.name
}

output "access_log_bucket_name" {
  description = "Name of the bucket receiving the main bucket's server access logs."
  value       = module.access_log_bucket.id
}

output "role_arns" {
  description = "ARNs of the roles people assume: { uploader, viewer, admin }."
  value       = { for role, r in aws_iam_role.this : role => r.arn }
}

output "admin_mfa_required" {
  description = "Whether assuming the Admin role requires MFA."
  value       = var.admin_require_mfa
}

output "admin_mfa_max_age_seconds" {
  description = "Oldest MFA (seconds since it was given) that may assume Admin or delete a version permanently."
  value       = var.admin_mfa_max_age_seconds
}

output "source_identity_binding" {
  description = "How a role session's SourceIdentity is bound to the caller: user_name and/or principal_tag (empty when SourceIdentity is not required)."
  value       = var.require_source_identity ? var.source_identity_binding : []
}

output "source_identity_principal_tag" {
  description = "Principal tag a SourceIdentity must equal under the principal_tag binding."
  value       = var.source_identity_principal_tag
}

output "uploader_can_overwrite" {
  description = "Whether the Uploader may replace an existing key (false: its writes must carry If-None-Match: *)."
  value       = var.uploader_can_overwrite
}

output "archive_storage_classes_allowed" {
  description = "Whether writes in GLACIER / DEEP_ARCHIVE are allowed."
  value       = var.allow_archive_storage_classes
}

output "max_session_duration_seconds" {
  description = "Longest session a role grants, in seconds."
  value       = var.max_session_duration
}

output "cors_allowed_origins" {
  description = "Browser origins allowed by the main bucket's CORS rule."
  value       = var.cors_allowed_origins
}

# Monitoring (issue 4)

output "trail_name" {
  description = "Name of the CloudTrail trail (management events everywhere, the main bucket's data events)."
  value       = aws_cloudtrail.this.name
}

output "trail_arn" {
  description = "ARN of the CloudTrail trail."
  value       = aws_cloudtrail.this.arn
}

output "trail_log_group_name" {
  description = "CloudWatch log group receiving the trail's events: what the alarms and saved queries read."
  value       = aws_cloudwatch_log_group.trail.name
}

output "trail_log_bucket_name" {
  description = "Bucket receiving the trail's log files and digests."
  value       = module.trail_log_bucket.id
}

output "sns_topic_arn" {
  description = "Security alarms topic (alerts): alarm state changes and data-key changes."
  value       = aws_sns_topic.this["alerts"].arn
}

output "activity_topic_arn" {
  description = "Per-call notices topic (activity): one message per API call on the main bucket."
  value       = aws_sns_topic.this["activity"].arn
}

output "key_guard_topic_arn" {
  description = "Topic reporting changes to the monitoring key, encrypted with the data key."
  value       = aws_sns_topic.this["key_guard"].arn
}

output "key_rule_names" {
  description = "EventBridge rules watching each key: { data, monitoring } → rule name."
  value       = { for k, r in aws_cloudwatch_event_rule.key_changes : k => r.name }
}

output "monitoring_kms_key_arn" {
  description = "ARN of the monitoring key (trail, trail log bucket, log group, alerts and activity topics)."
  value       = aws_kms_key.monitoring.arn
}

output "kms_administrator_arns" {
  description = "Key administrators of both keys: the only principals allowed to disable them, schedule their deletion or change their policies."
  value       = local.kms_administrators
}

output "trail_log_bucket_policy_json" {
  description = "The trail log bucket's policy as rendered."
  value       = module.trail_log_bucket.policy_json
}

output "event_rule_name" {
  description = "EventBridge rule sending a notice per API call on the main bucket to the topic."
  value       = aws_cloudwatch_event_rule.bucket_activity.name
}

output "alarm_names" {
  description = "Names of every alarm of the deployment."
  value       = sort([for alarm in aws_cloudwatch_metric_alarm.this : alarm.alarm_name])
}

output "query_names" {
  description = "Logs Insights saved queries: short name (failed-uploads, denied, activity, downloads, sessions, top-callers) → query definition name."
  value       = { for name, query in aws_cloudwatch_query_definition.this : name => query.name }
}
