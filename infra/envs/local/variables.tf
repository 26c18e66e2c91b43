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
