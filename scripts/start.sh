#!/usr/bin/env bash
# `npm start`: a local Strongbox in the foreground. Ctrl-C tears it down.
# Independent steps run side by side: the npm build, the moto server and the
# engine's init overlap; apply waits for the last two, the CLI config for all.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"

port="${STRONGBOX_MOTO_PORT:-4566}"
endpoint="http://127.0.0.1:$port"
dir="$STRONGBOX_ROOT/.strongbox/local"
started=$(date +%s)

bash "$STRONGBOX_ROOT/scripts/bootstrap.sh" python engine provider
TF_ENGINE=$(cat "$STRONGBOX_CACHE/engine")
export TF_ENGINE

teardown() {
  trap - INT TERM EXIT
  echo >&2
  if [[ -f $dir/ui.pid ]]; then
    kill "$(cat "$dir/ui.pid")" 2>/dev/null || true
    rm -f "$dir/ui.pid"
  fi
  step "tearing down the local stack"
  [[ -n ${node_pid:-} ]] && kill "$node_pid" 2>/dev/null
  # An apply still running stops the way Ctrl-C stops it, saving its state: a
  # Ctrl-C in the terminal has reached it already; any other signal is passed on.
  if [[ -n ${lifecycle_pid:-} ]] && kill -0 "$lifecycle_pid" 2>/dev/null; then
    for _ in 1 2 3 4 5 6; do kill -0 "$lifecycle_pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$lifecycle_pid" 2>/dev/null && pkill -INT -P "$lifecycle_pid" 2>/dev/null
    wait "$lifecycle_pid" 2>/dev/null
  fi
  stack_destroy "$dir" "$endpoint" || echo "warning: destroy failed; see $dir/destroy.log" >&2
  moto_stop "$dir"
  step_done
  exit 0
}

mkdir -p "$dir"
rm -f "$dir/terraform.tfstate" "$dir/terraform.tfstate.backup" # moto starts empty, so must the state
bash "$STRONGBOX_ROOT/scripts/bootstrap.sh" node >"$dir/node.log" 2>&1 &
node_pid=$!
step "moto server on $endpoint, $TF_ENGINE init (side by side)"
moto_start "$dir" "$port"
trap teardown INT TERM EXIT
stack_init "$dir"
moto_wait "$dir" "$port"
step_done
step "$TF_ENGINE apply infra/envs/local ($TF_ENGINE $(engine_version "$TF_ENGINE"), $(engine_origin "$TF_ENGINE"))"
# Everything but the buckets' lifecycle rules first: the AWS provider waits about
# 55 s after creating each lifecycle configuration for S3 to report it steady, a
# wait the stack doesn't need to be usable. They follow in the background.
stack_apply "$dir" "$endpoint" -var create_lifecycle_configurations=false
step_done
step "npm packages and the CLI build"
wait "$node_pid" || { cat "$dir/node.log" >&2; die "npm install or build failed (log: $dir/node.log)"; }
node_pid=
step_done
step "CLI configuration and environment"
stack_write_env "$dir" "$endpoint"
step_done "$dir/env"

cat >&2 <<MSG

  source .strongbox/local/env
  npx strongbox login --role viewer    # from the demo profile local-viewer
  aws --endpoint-url $endpoint sts assume-role --profile local-viewer \\
      --role-arn "\$(node -p "require(process.env.STRONGBOX_CONFIG).roles.viewer")" --role-session-name demo

MSG
# The web page (`strongbox ui`) on the port the stack's CORS rule admits.
step "strongbox ui on http://127.0.0.1:${STRONGBOX_UI_PORT:-8787}"
(
  set -a
  source "$dir/env"
  set +a
  exec node "$STRONGBOX_ROOT/dist/bundle/main.js" ui --idle 4h
) >"$dir/ui.out" 2>"$dir/ui.log" &
echo $! >"$dir/ui.pid"
ui_line=""
for _ in $(seq 1 300); do # up to 60 s: loading the SDK takes seconds on a busy machine
  ui_line=$(grep -m1 '^ui: ' "$dir/ui.out" 2>/dev/null || true)
  [[ -n $ui_line ]] && break
  kill -0 "$(cat "$dir/ui.pid")" 2>/dev/null || break
  sleep 0.2
done
[[ -n $ui_line ]] || { cat "$dir/ui.log" >&2; die "strongbox ui did not start (log: $dir/ui.log)"; }
step_done "log: $dir/ui.log"
echo "ready: local Strongbox on $endpoint after $(($(date +%s) - started))s; source .strongbox/local/env (Ctrl-C to stop)"
echo "$ui_line"
echo "  open that address in a browser; sign in as any role (the AWS profile field may stay empty: each role has its demo profile, local-uploader, local-viewer or local-admin)" >&2
(
  if stack_engine_apply "$dir" "$endpoint" "$dir/lifecycle.log" 2>/dev/null; then
    echo "lifecycle rules applied: the local stack is complete (log: $dir/lifecycle.log)" >&2
  else
    echo "lifecycle rules not applied: interrupted, or failed (log: $dir/lifecycle.log)" >&2
  fi
) &
lifecycle_pid=$!
while true; do sleep 3600 & wait $!; done
