variable "name_prefix" {
  description = "Prefix of every name the module creates: roles (<prefix>-uploader, …), the key alias (alias/<prefix>) and, unless bucket_name is set, the buckets (<prefix>-<account>-<region>, <prefix>-access-logs-<account>-<region>)."
  type        = string
  default     = "strongbox"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-24 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (it becomes part of bucket names)."
  }
}

variable "bucket_name" {
  description = "Name of the main bucket. Null derives a globally unique name from name_prefix, the account id and the region."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "role_principals" {
  description = "Who may assume each role: IAM principal ARNs (users, roles, or an account's root to delegate to its IAM policies) per role. Every role needs at least one principal, because a trust policy cannot be empty."
  type = object({
    uploader = list(string)
    viewer   = list(string)
    admin    = list(string)
  })

  validation {
    condition = alltrue([
      for arns in values(var.role_principals) : length(arns) > 0
    ])
    error_message = "role_principals needs at least one principal ARN for each of uploader, viewer and admin."
  }

  validation {
    condition = alltrue(flatten([
      for arns in values(var.role_principals) : [
        for arn in arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+)$", arn))
      ]
    ]))
    error_message = "Each role principal must be an IAM ARN: arn:<partition>:iam::<12-digit account>:root, :user/<name> or :role/<name>."
  }
}

variable "admin_require_mfa" {
  description = "Whether assuming the Admin role requires MFA (aws:MultiFactorAuthPresent). Keep true outside an emulator that cannot do MFA."
  type        = bool
  default     = true
  nullable    = false
}

variable "require_source_identity" {
  description = "Whether assuming any role requires sts:SourceIdentity, so CloudTrail names the person behind every role session."
  type        = bool
  default     = true
  nullable    = false
}

variable "admin_mfa_max_age_seconds" {
  description = "How fresh the Admin's MFA must be, in seconds since it was given (aws:MultiFactorAuthAge): for assuming the Admin role (when admin_require_mfa) and for deleting a version permanently (always). An Admin session older than this must log in again with a new code before a permanent delete."
  type        = number
  default     = 900
  nullable    = false

  validation {
    condition     = var.admin_mfa_max_age_seconds >= 60 && var.admin_mfa_max_age_seconds <= 43200 && floor(var.admin_mfa_max_age_seconds) == var.admin_mfa_max_age_seconds
    error_message = "admin_mfa_max_age_seconds must be a whole number of seconds from 60 to 43200 (12 hours)."
  }
}

variable "source_identity_binding" {
  description = <<-EOT
    How a role session's sts:SourceIdentity is bound to the caller, so nobody acts under another person's name
    (each form is one trust statement; a caller matching any listed form may assume):
    "user_name": IAM users; the SourceIdentity must equal the caller's IAM user name (aws:username).
    "principal_tag": federated / IAM Identity Center (SSO) sessions and roles; the SourceIdentity must equal the caller's
    principal tag named by source_identity_principal_tag (for SSO: an attribute for access control; for a role: a role tag).
    Ignored when require_source_identity is false.
  EOT
  type        = list(string)
  default     = ["user_name"]
  nullable    = false

  validation {
    condition     = length(var.source_identity_binding) > 0 && alltrue([for form in var.source_identity_binding : contains(["user_name", "principal_tag"], form)]) && length(distinct(var.source_identity_binding)) == length(var.source_identity_binding)
    error_message = "source_identity_binding must list one or both of \"user_name\" and \"principal_tag\", each once."
  }
}

variable "source_identity_principal_tag" {
  description = "Principal tag whose value a caller's SourceIdentity must equal under the \"principal_tag\" binding (aws:PrincipalTag/<this>). Only administrators may set it: on IAM Identity Center map it from the user's identity store attribute; never let callers set it as a session tag."
  type        = string
  default     = "strongbox-user"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}$", var.source_identity_principal_tag)) && !startswith(lower(var.source_identity_principal_tag), "aws:")
    error_message = "source_identity_principal_tag must be 1-128 characters of letters, digits and _ . : / = + - @, and must not start with aws:."
  }
}

variable "uploader_can_overwrite" {
  description = "Let the Uploader replace an existing key. False (the default): the Uploader's PutObject and CompleteMultipartUpload are refused unless they carry If-None-Match: * (s3:if-none-match), so an upload only ever creates a new key; the other multipart steps stay allowed. Replacing a key is then the Admin's."
  type        = bool
  default     = false
  nullable    = false
}

variable "allow_archive_storage_classes" {
  description = "Allow writes in GLACIER or DEEP_ARCHIVE. False (the default) refuses them in the bucket policy: no role may restore an archived object, so such a write could be read back by nobody."
  type        = bool
  default     = false
  nullable    = false
}

variable "max_session_duration" {
  description = "Longest role session in seconds (3600-43200). A pre-signed URL dies with the session that signed it."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200 && floor(var.max_session_duration) == var.max_session_duration
    error_message = "max_session_duration must be a whole number of seconds from 3600 to 43200."
  }
}

variable "max_signature_age_ms" {
  description = "Deny pre-signed requests whose signature is older than this many milliseconds (s3:signatureAge). Null lets a URL live as long as its signature and session allow (SigV4 caps at 7 days)."
  type        = number
  default     = 3600000

  validation {
    condition     = var.max_signature_age_ms == null || (try(var.max_signature_age_ms >= 1000 && var.max_signature_age_ms <= 604800000 && floor(var.max_signature_age_ms) == var.max_signature_age_ms, false))
    error_message = "max_signature_age_ms must be null or a whole number of milliseconds from 1000 to 604800000 (7 days)."
  }
}

variable "object_lifecycle" {
  description = <<-EOT
    Lifecycle of the main bucket's objects:
    abort_incomplete_multipart_days: abort multipart uploads left incomplete this long;
    noncurrent_version_expiration_days: delete versions this many days after they stop being current (0, the default, keeps them
      forever, so an overwrite or a delete marker never destroys data on a schedule);
    newer_noncurrent_versions_to_keep: keep this many newest noncurrent versions regardless of age (null: none);
    noncurrent_version_transition: move noncurrent versions to a cheaper storage class after some days (null: never).
  EOT
  type = object({
    abort_incomplete_multipart_days    = optional(number, 7)
    noncurrent_version_expiration_days = optional(number, 0)
    newer_noncurrent_versions_to_keep  = optional(number)
    noncurrent_version_transition = optional(object({
      days          = number
      storage_class = string
    }))
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.object_lifecycle.abort_incomplete_multipart_days >= 1 && var.object_lifecycle.abort_incomplete_multipart_days <= 365
    error_message = "object_lifecycle.abort_incomplete_multipart_days must be from 1 to 365."
  }

  validation {
    condition     = var.object_lifecycle.noncurrent_version_expiration_days >= 0 && floor(var.object_lifecycle.noncurrent_version_expiration_days) == var.object_lifecycle.noncurrent_version_expiration_days
    error_message = "object_lifecycle.noncurrent_version_expiration_days must be a whole number of days, or 0 to keep noncurrent versions forever."
  }

  validation {
    condition     = var.object_lifecycle.newer_noncurrent_versions_to_keep == null || try(var.object_lifecycle.newer_noncurrent_versions_to_keep >= 1 && var.object_lifecycle.newer_noncurrent_versions_to_keep <= 100, false)
    error_message = "object_lifecycle.newer_noncurrent_versions_to_keep must be null or from 1 to 100."
  }

  validation {
    condition = var.object_lifecycle.noncurrent_version_transition == null || try(
      contains(["STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], var.object_lifecycle.noncurrent_version_transition.storage_class)
      && var.object_lifecycle.noncurrent_version_transition.days >= 1
      && (var.object_lifecycle.noncurrent_version_expiration_days == 0 || var.object_lifecycle.noncurrent_version_transition.days < var.object_lifecycle.noncurrent_version_expiration_days),
      false
    )
    error_message = "object_lifecycle.noncurrent_version_transition needs a storage_class of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE and days >= 1, earlier than noncurrent_version_expiration_days."
  }
}

variable "access_log_retention_days" {
  description = "Days to keep S3 server access logs in the access-log bucket."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.access_log_retention_days >= 1 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number of at least 1."
  }
}

variable "cors_allowed_origins" {
  description = "Origins (scheme://host[:port], no path, no wildcard) allowed to call the bucket from a browser. The default is `strongbox ui`'s page on its default port; the CLI config (strongbox configure) copies this list and `strongbox ui` listens on the port of its http://127.0.0.1:<port> origin. An empty list removes CORS."
  type        = list(string)
  default     = ["http://127.0.0.1:8787"]
  nullable    = false

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    error_message = "Each CORS origin must be scheme://host[:port] with http or https, without a path or wildcard."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period (7-30 days) before the key is deleted after `destroy`: the window to cancel a mistaken deletion."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be from 7 to 30."
  }
}

variable "kms_administrator_arns" {
  description = "Key administrators of both keys (data and monitoring), besides the deployer (kms_deployer_is_administrator): IAM users, roles or an account root. They manage the keys (policy, rotation, disabling, deletion) but cannot encrypt or decrypt; every other principal is explicitly denied kms:DisableKey, kms:ScheduleKeyDeletion and kms:PutKeyPolicy. A role is named by its IAM role ARN (with its path), the way aws:PrincipalArn names its sessions."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.kms_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+)$", arn))])
    error_message = "Each KMS administrator must be an IAM ARN: arn:<partition>:iam::<12-digit account>:root, :user/<name> or :role/<name>."
  }
}

variable "kms_deployer_is_administrator" {
  description = "Make the identity running Terraform (for an assumed role: the role, via aws_iam_session_context) a key administrator, so the next apply can still update the key policies and destroy can schedule deletion. Set false only with kms_administrator_arns naming the deployer's long-lived role: otherwise Terraform locks itself out of the keys."
  type        = bool
  default     = true
  nullable    = false
}

variable "force_destroy" {
  description = "Let `destroy` delete the buckets with every object version in them. Keep false for real data; an ephemeral demo may set true."
  type        = bool
  default     = false
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Monitoring (trail.tf, notifications.tf, alerts.tf, queries.tf)
################################################################################

variable "trail_log_retention_days" {
  description = "Days the trail's CloudWatch log group keeps events (what alarms and Logs Insights queries see). One of the values CloudWatch Logs accepts."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.trail_log_retention_days)
    error_message = "trail_log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "trail_log_bucket_retention_days" {
  description = "Days the trail log bucket keeps CloudTrail's log files and digests before the lifecycle rule expires them."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.trail_log_bucket_retention_days >= 1 && floor(var.trail_log_bucket_retention_days) == var.trail_log_bucket_retention_days
    error_message = "trail_log_bucket_retention_days must be a whole number of at least 1."
  }
}

variable "notification_emails" {
  description = "Email addresses subscribed to the module's topics. alerts: the security alarms (the alerts topic: CloudWatch alarms, data-key changes; the key-guard topic: monitoring-key changes). activity: one notice per API call on the main bucket (a multipart upload sends one per part); security alarms never go there. Each address must confirm the subscription from the message SNS sends."
  type = object({
    alerts   = optional(list(string), [])
    activity = optional(list(string), [])
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for email in flatten(values(var.notification_emails)) : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", email))])
    error_message = "Each notification email must look like name@domain.tld."
  }
}

variable "notification_subscriptions" {
  description = "Other subscriptions to the module's topics (alerts: the alerts and key-guard topics; activity: the per-call notices, as in notification_emails): { protocol, endpoint } with protocol one of email, email-json, https, sqs, lambda, firehose, sms, application. Plain http is refused."
  type = object({
    alerts = optional(list(object({
      protocol = string
      endpoint = string
    })), [])
    activity = optional(list(object({
      protocol = string
      endpoint = string
    })), [])
  })
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for s in flatten(values(var.notification_subscriptions)) : contains(["email", "email-json", "https", "sqs", "lambda", "firehose", "sms", "application"], s.protocol)])
    error_message = "notification_subscriptions protocols must be one of email, email-json, https, sqs, lambda, firehose, sms, application (http is refused: alarms and notices would travel unencrypted)."
  }

  validation {
    condition = alltrue([
      for s in flatten(values(var.notification_subscriptions)) : length(trimspace(s.endpoint)) > 0 && (
        s.protocol != "https" || startswith(s.endpoint, "https://")) && (
        !contains(["sqs", "lambda", "firehose", "application"], s.protocol) || startswith(s.endpoint, "arn:")
      )
    ])
    error_message = "Each notification subscription needs an endpoint: https://… for https, an ARN for sqs, lambda, firehose and application."
  }
}

variable "notify_event_names" {
  description = "CloudTrail event names on the main bucket (PutObject, GetObject, DeleteObject, PutBucketPolicy, …) that send a notice to the activity topic. Null notifies every API call the trail records on the bucket."
  type        = list(string)
  default     = null

  validation {
    condition     = var.notify_event_names == null || try(length(var.notify_event_names) > 0 && alltrue([for name in var.notify_event_names : can(regex("^[A-Z][A-Za-z0-9]+$", name))]), false)
    error_message = "notify_event_names must be null (every call) or a non-empty list of CloudTrail event names such as PutObject."
  }
}

variable "alarm_namespace" {
  description = "CloudWatch metric namespace of the monitoring metrics. Null uses Strongbox/<name_prefix>, so two deployments in one account keep separate metrics."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_namespace == null || can(regex("^[A-Za-z0-9_./#:-]{1,255}$", var.alarm_namespace)) && !startswith(coalesce(var.alarm_namespace, "x"), "AWS/")
    error_message = "alarm_namespace must be 1-255 characters of letters, digits and . _ / # : - and must not start with AWS/."
  }
}

variable "alarm_name_prefix" {
  description = "Prefix of every alarm name (the alert topic trusts alarms with this prefix only). Null uses \"<name_prefix>-\"."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_name_prefix == null || can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$", var.alarm_name_prefix))
    error_message = "alarm_name_prefix must be 1-64 characters of letters, digits, '.', '_' and '-', starting with a letter or digit."
  }
}

variable "alarm_settings" {
  description = <<-EOT
    When each alarm fires, by alarm name: it goes to ALARM when the count of matching events in `period` seconds
    reaches `threshold` in `evaluation_periods` consecutive periods. Alarms: failed_uploads, access_denied,
    bucket_config_changes, trail_changes, kms_key_changes, role_policy_changes, assume_role_failures. A field left
    out keeps that alarm's default, written beside the alarm in alerts.tf (period 300, evaluation_periods 1;
    threshold 5 for failed_uploads and access_denied, 3 for assume_role_failures, 1 for the others).
  EOT
  type = map(object({
    threshold          = optional(number)
    period             = optional(number)
    evaluation_periods = optional(number)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for s in values(var.alarm_settings) : s.threshold == null || try(s.threshold >= 1 && floor(s.threshold) == s.threshold, false)])
    error_message = "Every alarm threshold must be a whole number of events, at least 1."
  }

  validation {
    condition     = alltrue([for s in values(var.alarm_settings) : s.period == null || try(s.period >= 60 && s.period % 60 == 0, false)])
    error_message = "Every alarm period must be a multiple of 60 seconds (metric filters publish one-minute data)."
  }

  validation {
    condition     = alltrue([for s in values(var.alarm_settings) : s.evaluation_periods == null || try(s.evaluation_periods >= 1 && floor(s.evaluation_periods) == s.evaluation_periods, false)])
    error_message = "Every alarm needs at least 1 whole evaluation period."
  }
}

variable "trail_log_reader_arns" {
  description = "Principals that may validate and read the trail's files (forensics, `aws cloudtrail validate-logs`): the trail log bucket grants them s3:ListBucket, s3:GetBucketLocation, s3:GetObject(Version), and the monitoring key kms:Decrypt of this trail's log files and of the bucket's digests. They still need cloudtrail:DescribeTrails / GetTrail in their own IAM policies. Empty (default): nobody; Admins read the audit through Logs Insights."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.trail_log_reader_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|user/.+|role/.+)$", arn))])
    error_message = "Each trail log reader must be an IAM ARN: arn:<partition>:iam::<12-digit account>:root, :user/<name> or :role/<name>."
  }
}

variable "trail_log_object_lock" {
  description = "S3 Object Lock default retention of the trail log bucket: every log file and digest version is kept retention_days. GOVERNANCE (default) lets a principal with s3:BypassGovernanceRetention (never the three roles) remove a version early; COMPLIANCE lets nobody, not even the account root, until the retention ends. Null: no Object Lock."
  type = object({
    mode           = optional(string, "GOVERNANCE")
    retention_days = optional(number, 365)
  })
  default = {}

  validation {
    condition     = var.trail_log_object_lock == null || try(contains(["GOVERNANCE", "COMPLIANCE"], var.trail_log_object_lock.mode), false)
    error_message = "trail_log_object_lock.mode must be GOVERNANCE or COMPLIANCE."
  }

  validation {
    condition     = var.trail_log_object_lock == null || try(var.trail_log_object_lock.retention_days >= 1 && var.trail_log_object_lock.retention_days <= 36500 && floor(var.trail_log_object_lock.retention_days) == var.trail_log_object_lock.retention_days, false)
    error_message = "trail_log_object_lock.retention_days must be a whole number of days from 1 to 36500."
  }
}

variable "trail_log_replication" {
  description = "Replicate the trail log bucket (log files and digests) to another bucket, normally in another region: destination_bucket_arn (versioned; yours), destination_kms_key_arn (the key replicas are encrypted with), storage_class of the replicas. The module adds the rule, the replication role and the monitoring-key grant; the destination's bucket and key policies must admit the role <prefix>-trail-replication. Null (default): no replication."
  type = object({
    destination_bucket_arn  = string
    destination_kms_key_arn = string
    storage_class           = optional(string, "STANDARD")
  })
  default = null

  validation {
    condition     = var.trail_log_replication == null || try(can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.trail_log_replication.destination_bucket_arn)) && can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.trail_log_replication.destination_kms_key_arn)), false)
    error_message = "trail_log_replication needs destination_bucket_arn = arn:<partition>:s3:::<bucket> and destination_kms_key_arn = a KMS key ARN."
  }

  validation {
    condition     = var.trail_log_replication == null || try(contains(["STANDARD", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"], var.trail_log_replication.storage_class), false)
    error_message = "trail_log_replication.storage_class must be STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER or DEEP_ARCHIVE."
  }
}

variable "trail_insight_types" {
  description = "CloudTrail Insights on the trail's management write events: ApiCallRateInsight and/or ApiErrorRateInsight (unusual call or error rates). Empty (default): none; Insights are billed per event analysed."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.trail_insight_types) == length(distinct(var.trail_insight_types)) && alltrue([for t in var.trail_insight_types : contains(["ApiCallRateInsight", "ApiErrorRateInsight"], t)])
    error_message = "trail_insight_types may hold ApiCallRateInsight and ApiErrorRateInsight, each at most once."
  }
}

################################################################################
# Local emulator only
################################################################################

variable "emulator_workarounds" {
  description = <<-EOT
    Settings for a local AWS emulator (moto 5.2.5) that lacks an API or mishandles a setting. Leave unset in AWS:
    every field defaults to true, what a real account needs. An emulator sets the ones it needs to false:
    attach_bucket_policy: attach the main bucket's policy (TLS-only, SigV4-only, this key only, signature age, MFA deletes).
      moto treats every conditional Deny as matching and would refuse all object requests; the rendered policy stays in
      the output bucket_policy_json either way.
    block_sse_c: block SSE-C on the main bucket itself (blocked_encryption_types). moto drops the setting (a permanent
      diff); the bucket policy refuses SSE-C writes either way.
    tag_buckets: tag the buckets with var.tags. moto's CreateBucket drops tags (a permanent diff).
    create_lifecycle_configurations: the three buckets' lifecycle configurations (abort of stale multipart uploads,
      expiry of noncurrent versions and of logs). The local stack's `npm start` applies once with false and then again
      with true, so the stack is usable while the AWS provider waits (about 55 s, by design) for S3 to report new
      lifecycle rules steady.
    create_query_definitions: the Logs Insights saved queries. moto has no PutQueryDefinition (and `strongbox audit`
      cannot run there anyway).
    create_metric_alarms: the CloudWatch alarms on the metric filters (the filters are created either way). moto lacks
      the Smithy RPCv2 CBOR protocol the provider's CloudWatch client speaks.
  EOT
  type = object({
    attach_bucket_policy            = optional(bool, true)
    block_sse_c                     = optional(bool, true)
    tag_buckets                     = optional(bool, true)
    create_lifecycle_configurations = optional(bool, true)
    create_query_definitions        = optional(bool, true)
    create_metric_alarms            = optional(bool, true)
  })
  default  = {}
  nullable = false
}
