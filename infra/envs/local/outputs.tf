# What only the local stack has; the rest is strongbox-outputs.tf (a link to
# the one in infra/envs/aws).

output "admin_trust_requires_mfa" {
  description = "Whether the deployed Admin trust policy demands a fresh MFA (true as in AWS; the access contract proves it)."
  value       = module.strongbox.admin_mfa_required
}

output "demo_principals" {
  description = "Demo base identities, one per role: { uploader|viewer|admin = { user_arn, access_key_id, secret_access_key } }."
  sensitive   = true
  value = {
    for role in local.roles : role => {
      user_arn          = aws_iam_user.demo[role].arn
      access_key_id     = aws_iam_access_key.demo[role].id
      secret_access_key = aws_iam_access_key.demo[role].secret
    }
  }
}
