# The local Strongbox stack: moto server + infra/envs/local applied by OpenTofu.
# Source after common.sh. Every function takes the stack's state directory first.

LOCAL_ENV_DIR="$STRONGBOX_ROOT/infra/envs/local"

moto_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
    die "port $port already answers; stop the other moto server or set STRONGBOX_MOTO_PORT"
  fi
  # Moto's account id and region are fixed so the stack is the same on every machine.
  MOTO_ACCOUNT_ID=123456789012 nohup "$STRONGBOX_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" \
    >"$dir/moto.log" 2>&1 &
  echo $! >"$dir/moto.pid"
  local i
  for i in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$dir/moto.pid")" 2>/dev/null || { tail -20 "$dir/moto.log" >&2; die "moto server exited"; }
    sleep 0.2
  done
  die "moto server did not answer on port $port within 20s (log: $dir/moto.log)"
}

moto_stop() {
  local dir=$1
  [[ -f $dir/moto.pid ]] || return 0
  kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
  rm -f "$dir/moto.pid"
}

# Runs tofu in envs/local with this stack's own data dir and state file.
stack_tofu() {
  local dir=$1
  shift
  TF_DATA_DIR="$dir/.terraform" tofu -chdir="$LOCAL_ENV_DIR" "$@"
}

# The variables of envs/local for this stack: the emulator, and the port of
# `strongbox ui` the bucket's CORS rule admits ($STRONGBOX_UI_PORT, default 8787).
stack_vars() {
  printf '%s\n' -var "endpoint=$1" -var "ui_port=${STRONGBOX_UI_PORT:-8787}"
}

stack_apply() {
  local dir=$1 endpoint=$2 vars
  stack_tofu "$dir" init -input=false -no-color -backend-config="path=$dir/terraform.tfstate" >"$dir/init.log" ||
    { cat "$dir/init.log" >&2; die "tofu init failed"; }
  mapfile -t vars < <(stack_vars "$endpoint")
  stack_tofu "$dir" apply -input=false -no-color -auto-approve "${vars[@]}" >"$dir/apply.log" ||
    { tail -40 "$dir/apply.log" >&2; die "tofu apply failed (log: $dir/apply.log)"; }
  (umask 077 && stack_tofu "$dir" output -json >"$dir/outputs.json")
}

stack_destroy() {
  local dir=$1 endpoint=$2 vars
  "$STRONGBOX_VENV/bin/python3" "$STRONGBOX_ROOT/scripts/lib/empty-buckets.py" "$endpoint" >"$dir/empty.log" 2>&1 ||
    { cat "$dir/empty.log" >&2; return 1; }
  mapfile -t vars < <(stack_vars "$endpoint")
  stack_tofu "$dir" destroy -input=false -no-color -auto-approve "${vars[@]}" >"$dir/destroy.log" ||
    { tail -40 "$dir/destroy.log" >&2; return 1; }
}

# Writes the AWS config/credentials (profiles local-<role> = the demo base users),
# the CLI config, and an env file to source.
stack_write_env() {
  local dir=$1 endpoint=$2
  (umask 077 && python3 - "$dir" "$endpoint" <<'PY'
import json, sys, pathlib
d, endpoint = pathlib.Path(sys.argv[1]), sys.argv[2]
outputs = json.loads((d / "outputs.json").read_text())
region = outputs["region"]["value"]
principals = outputs["demo_principals"]["value"]
config, creds = [], []
for role in ("uploader", "viewer", "admin"):
    p = principals[role]
    config += [f"[profile local-{role}]", f"region = {region}", f"endpoint_url = {endpoint}", ""]
    creds += [f"[local-{role}]", f"aws_access_key_id = {p['access_key_id']}",
              f"aws_secret_access_key = {p['secret_access_key']}", ""]
(d / "aws-config").write_text("\n".join(config))
(d / "aws-credentials").write_text("\n".join(creds))
PY
  )
  cat >"$dir/env" <<ENV
# Source me: points the strongbox CLI and AWS tools at the local Strongbox.
export STRONGBOX_CONFIG="$dir/config.json"
export AWS_CONFIG_FILE="$dir/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$dir/aws-credentials"
export AWS_REGION="us-east-1"
export STRONGBOX_ENDPOINT="$endpoint"
export TF_DATA_DIR="$dir/.terraform"
ENV
  TF_DATA_DIR="$dir/.terraform" STRONGBOX_CONFIG="$dir/config.json" \
    node "$STRONGBOX_ROOT/dist/cli/main.js" configure --from-terraform "$LOCAL_ENV_DIR" >/dev/null
}
