# One file for this module, its log-bucket submodule and the two root modules
# in infra/envs (each a symbolic link to this one): they all need the same
# engines and the same provider range. Each root module's backend is in its
# backend.tf.
terraform {
  # 1.6 is the first release of both OpenTofu and Terraform with `tofu test` /
  # `terraform test` and the validation features this module uses.
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
