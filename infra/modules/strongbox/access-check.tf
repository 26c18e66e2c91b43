# What `strongbox access` reads back to compute the role × capability matrix
# (the Admin's, read-only): the three roles' policies, the policies of the main
# bucket, the trail log bucket and both keys, and IAM's policy simulator to
# evaluate them in the account. Joined into the Admin's policy by iam.tf and
# into both keys' policies by kms.tf (the keys' policies do not delegate to IAM).

locals {
  access_check_role_statements = {
    admin = [
      {
        Sid      = "AccessCheckReadTheRoles"
        Effect   = "Allow"
        Action   = ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"]
        Resource = values(local.role_arns)
      },
      {
        # Policies attached to the roles outside the module (it attaches none),
        # and their boundary: their ARNs are not known here.
        Sid      = "AccessCheckReadAttachedPolicies"
        Effect   = "Allow"
        Action   = ["iam:GetPolicy", "iam:GetPolicyVersion"]
        Resource = ["arn:${local.partition}:iam::${local.account_id}:policy/*", "arn:${local.partition}:iam::aws:policy/*"]
      },
      {
        Sid      = "AccessCheckReadTheBucketPolicies"
        Effect   = "Allow"
        Action   = ["s3:GetBucketPolicy"]
        Resource = [local.bucket_arn, local.trail_log_bucket_arn]
      },
      {
        Sid    = "AccessCheckSimulatePolicies"
        Effect = "Allow"
        # SimulateCustomPolicy takes no resource: it evaluates the policies it is given.
        Action   = ["iam:SimulateCustomPolicy"]
        Resource = ["*"]
      },
    ]
  }

  access_check_key_statement = {
    Sid       = "AccessCheckAdminReadsThePolicy"
    Effect    = "Allow"
    Principal = { AWS = local.role_arns.admin }
    Action    = ["kms:GetKeyPolicy"]
  }
  access_check_kms_statements = {
    data       = [local.access_check_key_statement]
    monitoring = [local.access_check_key_statement]
  }
}
