# State: choose your backend (for example an S3 bucket with locking) and
# configure it here or with `-backend-config`; without one, state is a local file.
# terraform {
#   backend "s3" {}
# }
