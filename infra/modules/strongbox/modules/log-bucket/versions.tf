terraform {
  # Same floor as the parent module: `moved` blocks into a child module, and the
  # validation features below, are all in OpenTofu and Terraform 1.6.
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
