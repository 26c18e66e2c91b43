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

output "admin_mfa_required" {
  description = "Whether assuming Admin requires MFA."
  value       = module.strongbox.admin_mfa_required
}

output "max_session_duration_seconds" {
  description = "Longest role session, in seconds."
  value       = module.strongbox.max_session_duration_seconds
}

output "cors_allowed_origins" {
  description = "Browser origins allowed by CORS."
  value       = module.strongbox.cors_allowed_origins
}

output "endpoint_url" {
  description = "Custom AWS endpoint; null in a real account."
  value       = null
}
