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
