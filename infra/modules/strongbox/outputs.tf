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
  value       = aws_s3_bucket.access_logs.id
}

output "role_arns" {
  description = "ARNs of the roles people assume: { uploader, viewer, admin }."
  value       = { for role, r in aws_iam_role.this : role => r.arn }
}

output "admin_mfa_required" {
  description = "Whether assuming the Admin role requires MFA."
  value       = var.admin_require_mfa
}

output "max_session_duration_seconds" {
  description = "Longest session a role grants, in seconds."
  value       = var.max_session_duration
}

output "cors_allowed_origins" {
  description = "Browser origins allowed by the main bucket's CORS rule."
  value       = var.cors_allowed_origins
}
