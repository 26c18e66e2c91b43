terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }

  # The state lives wherever the caller says:
  #   tofu init -backend-config=path=<state dir>/terraform.tfstate
  backend "local" {}
}
