# The local Strongbox stack: moto server + infra/envs/local applied by OpenTofu or
# Terraform. Source after common.sh. Every function takes the stack's state
# directory first; TF_ENGINE names the engine (tofu or terraform; default tofu).
#
# The engine runs in a copy of infra/ inside the stack's directory: each engine
# and each stack keeps its own .terraform.lock.hcl there, so two engines can run
# side by side and the repository's own folders never get a lock file made for
# the locally built provider (one made by an ordinary `init` stays valid).

# infra_copy DEST: a copy of infra/ without any engine's working files.
infra_copy() {
  local dest=$1
  rm -rf "$dest"
  mkdir -p "$dest"
  tar -C "$STRONGBOX_ROOT/infra" --exclude=.terraform --exclude=.terraform.lock.hcl --exclude='*.tfstate*' -cf - . |
    tar -C "$dest" -xf -
}

moto_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
    die "port $port already answers; stop the other moto server or set STRONGBOX_MOTO_PORT"
  fi
  # Moto's account id and region are fixed so the stack is the same on every machine.
  # Its own session: a Ctrl-C in the terminal reaches the scripts, which tear the
  # stack down through moto before stopping it, not moto itself.
  MOTO_ACCOUNT_ID=123456789012 setsid "$STRONGBOX_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" \
    >"$dir/moto.log" 2>&1 </dev/null &
  echo $! >"$dir/moto.pid"
}

# moto_wait DIR PORT: returns once the moto server started by moto_start answers.
moto_wait() {
  local dir=$1 port=$2 i
  for i in $(seq 1 150); do
    curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$dir/moto.pid")" 2>/dev/null || { tail -20 "$dir/moto.log" >&2; die "moto server exited"; }
    sleep 0.2
  done
  die "moto server did not answer on port $port within 30s (log: $dir/moto.log)"
}

moto_stop() {
  local dir=$1
  [[ -f $dir/moto.pid ]] || return 0
  kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
  rm -f "$dir/moto.pid"
}

# stack_engine DIR ARGS...: the engine in the stack's copy of envs/local, with the stack's own data dir.
stack_engine() {
  local dir=$1
  shift
  TF_DATA_DIR="$dir/.terraform" "${TF_ENGINE:-tofu}" -chdir="$dir/infra/envs/local" "$@"
}

# stack_init DIR: copies infra/ into DIR and initialises it (no emulator needed yet).
stack_init() {
  local dir=$1
  mkdir -p "$dir"
  infra_copy "$dir/infra"
  stack_engine "$dir" init -input=false -no-color -upgrade -backend-config="path=$dir/terraform.tfstate" >"$dir/init.log" ||
    { cat "$dir/init.log" >&2; die "${TF_ENGINE:-tofu} init failed"; }
}

# stack_engine_apply DIR ENDPOINT LOG [ARGS...]: the stack's apply (ARGS go to
# the engine), its output in LOG, whose end goes to stderr when it fails.
stack_engine_apply() {
  local dir=$1 endpoint=$2 log=$3
  shift 3
  stack_engine "$dir" apply -input=false -no-color -auto-approve -var "endpoint=$endpoint" -var "ui_port=${STRONGBOX_UI_PORT:-8787}" "$@" >"$log" 2>&1 ||
    { tail -40 "$log" >&2; return 1; }
}

# stack_apply DIR ENDPOINT [ARGS...]: apply (ARGS go to the engine), then save the outputs.
stack_apply() {
  local dir=$1 endpoint=$2
  shift 2
  [[ -f $dir/infra/envs/local/main.tf ]] || stack_init "$dir"
  stack_engine_apply "$dir" "$endpoint" "$dir/apply.log" "$@" ||
    { printf 'error: %s apply failed (log: %s)\n' "${TF_ENGINE:-tofu}" "$dir/apply.log" >&2; return 1; }
  (umask 077 && stack_engine "$dir" output -json >"$dir/outputs.json")
}

# stack_second_plan DIR ENDPOINT: 0 when a plan right after apply shows no changes.
stack_second_plan() {
  local dir=$1 endpoint=$2 status
  stack_engine "$dir" plan -input=false -no-color -detailed-exitcode -var "endpoint=$endpoint" -var "ui_port=${STRONGBOX_UI_PORT:-8787}" >"$dir/plan2.log"
  status=$?
  ((status == 2)) && grep -E '^\s+# |Plan:' "$dir/plan2.log" >&2
  return $status
}

stack_destroy() {
  local dir=$1 endpoint=$2
  "$STRONGBOX_VENV/bin/python3" "$STRONGBOX_ROOT/scripts/lib/empty-buckets.py" "$endpoint" >"$dir/empty.log" 2>&1 ||
    { cat "$dir/empty.log" >&2; return 1; }
  stack_engine "$dir" destroy -input=false -no-color -auto-approve -var "endpoint=$endpoint" -var "ui_port=${STRONGBOX_UI_PORT:-8787}" >"$dir/destroy.log" ||
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
# The stack was applied by ${TF_ENGINE:-tofu} in $dir/infra/envs/local (a copy of infra/).
# To inspect it (TF_DATA_DIR is not exported here: it would point Terraform run for
# another directory in this shell, such as infra/envs/aws, at the local stack's state):
#   TF_DATA_DIR="$dir/.terraform" ${TF_ENGINE:-tofu} -chdir="$dir/infra/envs/local" output
export STRONGBOX_CONFIG="$dir/config.json"
export AWS_CONFIG_FILE="$dir/aws-config"
export AWS_SHARED_CREDENTIALS_FILE="$dir/aws-credentials"
export AWS_REGION="us-east-1"
export STRONGBOX_ENDPOINT="$endpoint"
ENV
  STRONGBOX_CONFIG="$dir/config.json" \
    node "$STRONGBOX_ROOT/dist/bundle/main.js" configure --from-terraform "$dir/outputs.json" >/dev/null
  # Each role's login starts from its demo user's profile (the config's `profiles`), so
  # `strongbox login --role viewer` needs no --profile here.
  python3 - "$dir/config.json" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    config = json.load(f)
config["profiles"] = {role: f"local-{role}" for role in ("uploader", "viewer", "admin")}
with open(path, "w") as f:
    json.dump(config, f, indent=2)
    f.write("\n")
PY
}

# Lanes of scripts/test.sh (source checks.sh first). The stack comes up in two
# applies, as in `npm start`: everything but the buckets' lifecycle rules, then
# the rules (the AWS provider waits about 55 s after creating each one for S3 to
# report it steady), which nothing in the integration tests reads. The second
# plan runs after both and must be empty.

# stack_lane_up DIR ENDPOINT: moto on ENDPOINT, then the first apply (lane "stack").
stack_lane_up() {
  local dir=$1 endpoint=$2
  moto_start "$dir" "${endpoint##*:}" && moto_wait "$dir" "${endpoint##*:}"
  lane_check stack "${TF_ENGINE:-tofu} $(engine_version "${TF_ENGINE:-tofu}") apply infra/envs/local to moto (all but the lifecycle rules)" \
    stack_apply "$dir" "$endpoint" -var create_lifecycle_configurations=false
}

# stack_lane_rules DIR ENDPOINT: the lifecycle rules, then the second plan (lane
# "stack-rules"). outputs.json stays as the first apply wrote it: tests read it meanwhile.
stack_lane_rules() {
  local dir=$1 endpoint=$2 version
  version=$(engine_version "${TF_ENGINE:-tofu}")
  lane_check stack-rules "${TF_ENGINE:-tofu} $version apply the buckets' lifecycle rules" \
    stack_engine_apply "$dir" "$endpoint" "$dir/apply-rules.log" &&
    lane_check stack-rules "${TF_ENGINE:-tofu} $version second plan shows no changes" stack_second_plan "$dir" "$endpoint"
}
