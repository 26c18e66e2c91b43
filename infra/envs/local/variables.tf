variable "endpoint" {
  description = "URL of the local AWS emulator (moto server) that answers for every service, e.g. http://127.0.0.1:4566."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^https?://[^/]+/?$", var.endpoint))
    error_message = "endpoint must be a URL like http://127.0.0.1:4566."
  }
}

variable "name_prefix" {
  description = "Prefix of every name in the local stack."
  type        = string
  default     = "strongbox-local"
}

variable "ui_port" {
  description = "Port of `strongbox ui` on 127.0.0.1: the bucket's CORS rule admits http://127.0.0.1:<ui_port> (npm start uses 8787; the tests pick a free port)."
  type        = number
  default     = 8787
  nullable    = false

  validation {
    condition     = var.ui_port >= 1024 && var.ui_port <= 65535 && floor(var.ui_port) == var.ui_port
    error_message = "ui_port must be a whole number from 1024 to 65535."
  }
}

variable "create_lifecycle_configurations" {
  description = "Create the buckets' lifecycle configurations. `npm start` applies once with false, says ready, and applies again with true in the background (the AWS provider waits about 55 s for new lifecycle rules to settle)."
  type        = bool
  default     = true
  nullable    = false
}
