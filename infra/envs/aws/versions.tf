terraform {
  required_version = ">= 1.6"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }

  # State: choose your backend (for example an S3 bucket with locking) and
  # configure it here or with `-backend-config`; without one, state is a local file.
  # backend "s3" {}
}
