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

variable "admin_mfa_max_age_seconds" {
  description = "How fresh the Admin's MFA must be (seconds) to assume Admin and to delete a version permanently."
  type        = number
  default     = 900
}

variable "source_identity_binding" {
  description = "How SourceIdentity is bound to the caller: [\"user_name\"] (IAM users), [\"principal_tag\"] (SSO/federated), or both (see the module)."
  type        = list(string)
  default     = ["user_name"]
}

variable "source_identity_principal_tag" {
  description = "Principal tag a SourceIdentity must equal under the principal_tag binding."
  type        = string
  default     = "strongbox-user"
}

variable "uploader_can_overwrite" {
  description = "Let the Uploader replace existing keys (default: create-only writes)."
  type        = bool
  default     = false
}

variable "allow_archive_storage_classes" {
  description = "Allow writes in GLACIER / DEEP_ARCHIVE, which no role can read back."
  type        = bool
  default     = false
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
    noncurrent_version_expiration_days = optional(number, 0)
    newer_noncurrent_versions_to_keep  = optional(number)
    noncurrent_version_transition = optional(object({
      days          = number
      storage_class = string
    }))
  })
  default = {}
}

variable "cors_allowed_origins" {
  description = "Browser origins allowed to call the bucket: `strongbox ui` on 127.0.0.1:8787 by default (the CLI config copies this list and the page listens on its port)."
  type        = list(string)
  default     = ["http://127.0.0.1:8787"]
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
