output "id" {
  description = "Name of the bucket (its id), e.g. for a logging target or a trail's s3_bucket_name."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket" {
  description = "Name of the bucket as configured (known at plan time)."
  value       = aws_s3_bucket.this.bucket
}

output "policy" {
  description = "The bucket policy as attached (the caller's statements and DenyInsecureTransport). Read from the policy resource, so a reference to it also waits for the policy."
  value       = aws_s3_bucket_policy.this.policy
}

output "policy_json" {
  description = "The bucket policy as rendered, known at plan time."
  value       = local.policy_json
}

# What the parent's tests assert on (a test cannot reach into a child module).

output "force_destroy" {
  description = "Whether destroy deletes the bucket with its contents."
  value       = aws_s3_bucket.this.force_destroy
}

output "tags" {
  description = "Tags on the bucket."
  value       = aws_s3_bucket.this.tags
}

output "public_access_block" {
  description = "The bucket's four public access block flags."
  value = {
    block_public_acls       = aws_s3_bucket_public_access_block.this.block_public_acls
    block_public_policy     = aws_s3_bucket_public_access_block.this.block_public_policy
    ignore_public_acls      = aws_s3_bucket_public_access_block.this.ignore_public_acls
    restrict_public_buckets = aws_s3_bucket_public_access_block.this.restrict_public_buckets
  }
}

output "object_ownership" {
  description = "Object ownership setting (BucketOwnerEnforced: ACLs disabled)."
  value       = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership
}

output "versioning_status" {
  description = "Versioning status of the bucket."
  value       = one(aws_s3_bucket_versioning.this.versioning_configuration).status
}

output "sse_algorithms" {
  description = "Default encryption algorithm of each server-side encryption rule (AES256 = SSE-S3, aws:kms = SSE-KMS)."
  value = [
    for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
    one(rule.apply_server_side_encryption_by_default).sse_algorithm
  ]
}

output "sse_kms_key_ids" {
  description = "Default KMS key of each server-side encryption rule (null for SSE-S3)."
  value = [
    for rule in aws_s3_bucket_server_side_encryption_configuration.this.rule :
    one(rule.apply_server_side_encryption_by_default).kms_master_key_id
  ]
}

output "object_lock" {
  description = "Object Lock default retention ({ mode, days }), or null."
  value = one([
    for c in aws_s3_bucket_object_lock_configuration.this : {
      mode = one(one(c.rule).default_retention).mode
      days = one(one(c.rule).default_retention).days
    }
  ])
}

output "access_log_target" {
  description = "Where the bucket's own access logs go ({ bucket, prefix }), or null."
  value       = one([for l in aws_s3_bucket_logging.this : { bucket = l.target_bucket, prefix = l.target_prefix }])
}

output "lifecycle_expiration_days" {
  description = "Expiration (in days) of current log files, by lifecycle rule id."
  value = {
    for rule in flatten(aws_s3_bucket_lifecycle_configuration.this[*].rule) : rule.id => one(rule.expiration).days
  }
}
