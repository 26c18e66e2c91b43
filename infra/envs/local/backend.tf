# The state lives wherever the caller says:
#   tofu init -backend-config=path=<state dir>/terraform.tfstate
terraform {
  backend "local" {}
}
