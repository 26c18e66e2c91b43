#!/usr/bin/env bash
# `npm start`: a local Strongbox in the foreground. Ctrl-C tears it down.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"

port="${STRONGBOX_MOTO_PORT:-4566}"
endpoint="http://127.0.0.1:$port"
dir="$STRONGBOX_ROOT/.strongbox/local"

bash "$STRONGBOX_ROOT/scripts/bootstrap.sh" node python tofu provider

teardown() {
  trap - INT TERM EXIT
  echo >&2
  step "tearing down the local stack"
  stack_destroy "$dir" "$endpoint" || echo "warning: destroy failed; see $dir/destroy.log" >&2
  moto_stop "$dir"
  step_done
  exit 0
}

mkdir -p "$dir"
rm -f "$dir/terraform.tfstate" "$dir/terraform.tfstate.backup" # moto starts empty, so must the state
step "moto server on $endpoint"
moto_start "$dir" "$port"
trap teardown INT TERM EXIT
step_done
step "tofu apply infra/envs/local"
stack_apply "$dir" "$endpoint"
step_done
step "CLI configuration and environment"
stack_write_env "$dir" "$endpoint"
step_done "$dir/env"

cat >&2 <<MSG

  source .strongbox/local/env
  npx strongbox login --role viewer --profile local-viewer
  aws --endpoint-url $endpoint sts assume-role --profile local-viewer \\
      --role-arn "\$(node -p "require(process.env.STRONGBOX_CONFIG).roles.viewer")" --role-session-name demo

MSG
echo "ready: local Strongbox on $endpoint; source .strongbox/local/env (Ctrl-C to stop)"
while true; do sleep 3600 & wait $!; done
