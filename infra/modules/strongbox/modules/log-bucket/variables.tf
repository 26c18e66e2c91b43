variable "bucket_name" {
  description = "Name of the log bucket. Must be globally unique; the parent derives it from name_prefix, the account id and the region."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "force_destroy" {
  description = "Let `destroy` delete the bucket with every log file (and version) in it. Keep false for real logs; an ephemeral demo may set true."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags on the bucket."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "policy_statements" {
  description = "Statements of the bucket policy (IAM statement objects): who may deliver logs here, and the denies that keep them safe. Built by the parent from names, so they are known at plan time. The module appends DenyInsecureTransport itself, after them (moto 5.2.5 checks a log-delivery grant statement by statement and fails on a \"*\" principal met before it)."
  type        = any
  nullable    = false

  validation {
    condition     = can([for s in var.policy_statements : s.Effect]) && length(var.policy_statements) > 0
    error_message = "policy_statements must be a non-empty list of IAM statements, each with an Effect."
  }
}

variable "retention_days" {
  description = "Days a log file stays current before the lifecycle rule expires it."
  type        = number
  nullable    = false

  validation {
    condition     = var.retention_days >= 1 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of at least 1."
  }
}

variable "lifecycle_rule_id" {
  description = "Id of the bucket's one lifecycle rule (what the console and CloudTrail events show), e.g. expire-access-logs."
  type        = string
  nullable    = false

  validation {
    condition     = length(var.lifecycle_rule_id) >= 1 && length(var.lifecycle_rule_id) <= 255
    error_message = "lifecycle_rule_id must be 1-255 characters (the S3 limit for a rule id)."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the bucket's default encryption (SSE-KMS with a bucket key). Null: SSE-S3, required when the bucket receives S3 server access logs."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN."
  }
}

variable "object_lock" {
  description = "S3 Object Lock default retention for every new version: mode GOVERNANCE or COMPLIANCE, retention_days >= 1. Null: no Object Lock."
  type = object({
    mode           = string
    retention_days = number
  })
  default = null

  validation {
    condition     = var.object_lock == null || try(contains(["GOVERNANCE", "COMPLIANCE"], var.object_lock.mode) && var.object_lock.retention_days >= 1 && floor(var.object_lock.retention_days) == var.object_lock.retention_days, false)
    error_message = "object_lock needs mode GOVERNANCE or COMPLIANCE and a whole number of retention_days, at least 1."
  }
}

variable "access_log_target" {
  description = "Where this bucket's own S3 server access logs go: { bucket, prefix }. Null: not logged (the access-log bucket itself)."
  type = object({
    bucket = string
    prefix = string
  })
  default = null
}

variable "create_lifecycle" {
  description = "Create the bucket's lifecycle configuration (see the parent module's create_lifecycle_configurations)."
  type        = bool
  default     = true
  nullable    = false
}
