# The outputs the CLI config (`strongbox configure --from-terraform`) and the
# tests read. One file for both root modules: infra/envs/local/strongbox-outputs.tf
# is a symbolic link to it. The first two take values each root module sets in
# its main.tf; the rest are the module's, passed through unchanged. Outputs only
# the local stack has (the demo users) are in its outputs.tf.

output "admin_mfa_required" {
  description = "Whether the CLI must send an MFA code to assume Admin."
  value       = local.cli_admin_mfa_required
}

output "endpoint_url" {
  description = "The URL every service answers on: the emulator's, or null in a real account (AWS's own endpoints)."
  value       = local.endpoint_url
}

output "region" {
  description = "Region of the stack."
  value       = module.strongbox.region
}

output "account_id" {
  description = "Account that holds the stack."
  value       = module.strongbox.account_id
}

output "bucket_name" {
  description = "Name of the main bucket."
  value       = module.strongbox.bucket_name
}

output "bucket_arn" {
  description = "ARN of the main bucket."
  value       = module.strongbox.bucket_arn
}

output "bucket_policy_json" {
  description = "The main bucket's policy as rendered by the module."
  value       = module.strongbox.bucket_policy_json
}

output "bucket_policy_attached" {
  description = "Whether bucket_policy_json is attached to the main bucket."
  value       = module.strongbox.bucket_policy_attached
}

output "max_signature_age_ms" {
  description = "Oldest pre-signed URL signature the bucket policy accepts, in milliseconds."
  value       = module.strongbox.max_signature_age_ms
}

output "kms_key_arn" {
  description = "ARN of the bucket's KMS key."
  value       = module.strongbox.kms_key_arn
}

output "kms_key_alias" {
  description = "Alias of the bucket's KMS key."
  value       = module.strongbox.kms_key_alias
}

output "access_log_bucket_name" {
  description = "Bucket receiving the server access logs."
  value       = module.strongbox.access_log_bucket_name
}

output "role_arns" {
  description = "ARNs of the uploader, viewer and admin roles."
  value       = module.strongbox.role_arns
}

output "admin_mfa_max_age_seconds" {
  description = "Oldest MFA (seconds) that may assume Admin or delete a version permanently."
  value       = module.strongbox.admin_mfa_max_age_seconds
}

output "source_identity_binding" {
  description = "How SourceIdentity is bound to the caller (user_name / principal_tag)."
  value       = module.strongbox.source_identity_binding
}

output "source_identity_principal_tag" {
  description = "Principal tag a SourceIdentity must equal under the principal_tag binding."
  value       = module.strongbox.source_identity_principal_tag
}

output "uploader_can_overwrite" {
  description = "Whether the Uploader may replace an existing key."
  value       = module.strongbox.uploader_can_overwrite
}

output "archive_storage_classes_allowed" {
  description = "Whether writes in GLACIER / DEEP_ARCHIVE are allowed."
  value       = module.strongbox.archive_storage_classes_allowed
}

output "max_session_duration_seconds" {
  description = "Longest role session, in seconds."
  value       = module.strongbox.max_session_duration_seconds
}

output "cors_allowed_origins" {
  description = "Browser origins allowed by CORS."
  value       = module.strongbox.cors_allowed_origins
}

output "trail_name" {
  description = "Name of the CloudTrail trail."
  value       = module.strongbox.trail_name
}

output "trail_arn" {
  description = "ARN of the CloudTrail trail."
  value       = module.strongbox.trail_arn
}

output "trail_log_group_name" {
  description = "Log group the alarms and saved queries read."
  value       = module.strongbox.trail_log_group_name
}

output "trail_log_bucket_name" {
  description = "Bucket receiving the trail's log files."
  value       = module.strongbox.trail_log_bucket_name
}

output "sns_topic_arn" {
  description = "SNS topic for admins."
  value       = module.strongbox.sns_topic_arn
}

output "event_rule_name" {
  description = "EventBridge rule for per-call notices on the main bucket."
  value       = module.strongbox.event_rule_name
}

output "alarm_names" {
  description = "Names of every alarm of the deployment."
  value       = module.strongbox.alarm_names
}

output "query_names" {
  description = "Saved queries: short name → query definition name."
  value       = module.strongbox.query_names
}

output "activity_topic_arn" {
  description = "Per-call notices topic (one message per API call on the main bucket)."
  value       = module.strongbox.activity_topic_arn
}

output "key_guard_topic_arn" {
  description = "Topic reporting changes to the monitoring key (encrypted with the data key)."
  value       = module.strongbox.key_guard_topic_arn
}

output "key_rule_names" {
  description = "EventBridge rules watching each key: { data, monitoring }."
  value       = module.strongbox.key_rule_names
}

output "monitoring_kms_key_arn" {
  description = "ARN of the monitoring key."
  value       = module.strongbox.monitoring_kms_key_arn
}

output "kms_administrator_arns" {
  description = "The keys' administrators: the only principals allowed to disable them, schedule their deletion or change their policies."
  value       = module.strongbox.kms_administrator_arns
}

output "trail_log_bucket_policy_json" {
  description = "The trail log bucket's policy as rendered."
  value       = module.strongbox.trail_log_bucket_policy_json
}
