# What differs from the local stack; the rest is strongbox-outputs.tf.

output "admin_mfa_required" {
  description = "Whether assuming Admin requires MFA."
  value       = module.strongbox.admin_mfa_required
}

output "endpoint_url" {
  description = "Custom AWS endpoint; null in a real account."
  value       = null
}
