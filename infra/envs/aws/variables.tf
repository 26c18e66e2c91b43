variable "region" {
  description = "AWS region of the stack."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must look like us-east-1."
  }
}

variable "name_prefix" {
  description = "Prefix of the names of every resource (see the module)."
  type        = string
  default     = "strongbox"
}

variable "bucket_name" {
  description = "Main bucket name; null derives <name_prefix>-<account>-<region>."
  type        = string
  default     = null
}

variable "role_principals" {
  description = "IAM principal ARNs allowed to assume each role: { uploader = [...], viewer = [...], admin = [...] }."
  type = object({
    uploader = list(string)
    viewer   = list(string)
    admin    = list(string)
  })
}

variable "admin_require_mfa" {
  description = "Whether assuming the Admin role requires MFA."
  type        = bool
  default     = true
}

variable "require_source_identity" {
  description = "Whether assuming a role requires sts:SourceIdentity."
  type        = bool
  default     = true
}

variable "max_session_duration" {
  description = "Longest role session in seconds (3600-43200)."
  type        = number
  default     = 3600
}

variable "max_signature_age_ms" {
  description = "Deny pre-signed requests whose signature is older than this (ms); null disables the rule."
  type        = number
  default     = 3600000
}

variable "object_lifecycle" {
  description = "Lifecycle of the main bucket's objects (see the module)."
  type = object({
    abort_incomplete_multipart_days    = optional(number, 7)
    noncurrent_version_expiration_days = optional(number, 90)
    newer_noncurrent_versions_to_keep  = optional(number)
    noncurrent_version_transition = optional(object({
      days          = number
      storage_class = string
    }))
  })
  default = {}
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to call the bucket (the local web page by default)."
  type        = list(string)
  default     = ["http://127.0.0.1:8787", "http://localhost:8787"]
}

variable "kms_administrator_arns" {
  description = "Key administrators of the data and monitoring keys besides the deployer: the only principals that may disable them, schedule their deletion or change their policies."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags on every resource."
  type        = map(string)
  default     = { Project = "strongbox" }
}

variable "alert_emails" {
  description = "Email addresses that receive the security alarms (alarms, key changes). Each must confirm the subscription SNS sends."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "activity_emails" {
  description = "Email addresses that receive one notice per API call on the main bucket. Each must confirm the subscription SNS sends."
  type        = list(string)
  default     = []
  nullable    = false
}
