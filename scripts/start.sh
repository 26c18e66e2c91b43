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
  if [[ -f $dir/ui.pid ]]; then
    kill "$(cat "$dir/ui.pid")" 2>/dev/null || true
    rm -f "$dir/ui.pid"
  fi
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
# The web page (`strongbox ui`) on the port the stack's CORS rule admits.
step "strongbox ui on http://127.0.0.1:${STRONGBOX_UI_PORT:-8787}"
(
  set -a
  source "$dir/env"
  set +a
  exec node "$STRONGBOX_ROOT/dist/cli/main.js" ui --idle 4h
) >"$dir/ui.out" 2>"$dir/ui.log" &
echo $! >"$dir/ui.pid"
ui_line=""
for _ in $(seq 1 100); do
  ui_line=$(grep -m1 '^ui: ' "$dir/ui.out" 2>/dev/null || true)
  [[ -n $ui_line ]] && break
  kill -0 "$(cat "$dir/ui.pid")" 2>/dev/null || break
  sleep 0.2
done
[[ -n $ui_line ]] || { cat "$dir/ui.log" >&2; die "strongbox ui did not start (log: $dir/ui.log)"; }
step_done "log: $dir/ui.log"
echo "ready: local Strongbox on $endpoint; source .strongbox/local/env (Ctrl-C to stop)"
echo "$ui_line"
echo "  open that address in a browser; sign in with the AWS profile local-uploader, local-viewer or local-admin" >&2
while true; do sleep 3600 & wait $!; done
