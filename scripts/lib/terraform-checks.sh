# Shared by scripts/test.sh: the Terraform checks, run for each engine. Source
# after common.sh, stack.sh and checks.sh.
source "$(dirname "${BASH_SOURCE[0]}")/provider-served.sh"

# engine_offline ENGINE DIR COMMAND...: ENGINE on DIR (a path under infra/) in a
# fresh copy of infra/, initialised without a backend; then COMMAND there.
engine_offline() {
  local engine=$1 dir=$2 work
  shift 2
  work=$(mktemp -d)
  infra_copy "$work/infra"
  local status=0
  TF_DATA_DIR="$work/.terraform" "$engine" -chdir="$work/$dir" init -backend=false -input=false -no-color >"$work/init.log" ||
    { cat "$work/init.log" >&2; status=1; }
  local serve=()
  [[ $1 == test ]] && serve=(provider_served "$work/.terraform")
  ((status == 0)) && { TF_DATA_DIR="$work/.terraform" "${serve[@]}" "$engine" -chdir="$work/$dir" "$@" -no-color || status=$?; }
  rm -rf "$work" # each init copies the provider (over 100 MB)
  return $status
}

# The provider in use has every aws_* type infra/ uses, and the check that says
# so goes red on a scratch copy of infra/ that adds a type from a service the
# local build left out (only a trimmed build leaves any out).
schema_json() {
  local out=$1 work
  work=$(mktemp -d)
  infra_copy "$work/infra"
  local status=0
  TF_DATA_DIR="$work/.terraform" tofu -chdir="$work/infra/modules/strongbox" init -backend=false -input=false -no-color >/dev/null &&
    TF_DATA_DIR="$work/.terraform" tofu -chdir="$work/infra/modules/strongbox" providers schema -json >"$out" || status=1
  rm -rf "$work"
  return $status
}
schema_check() {
  schema_json "$results/provider-schema.json" &&
    python3 scripts/lib/provider-trim.py check "$results/provider-schema.json" infra
}
schema_check_catches_a_trimmed_service() {
  local scratch
  if python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); sys.exit(0 if any("aws_sqs_queue" in p.get("resource_schemas",{}) for p in s["provider_schemas"].values()) else 1)' \
    "$results/provider-schema.json"; then
    echo "  the provider in use has every service (registry, or STRONGBOX_PROVIDER_BUILD=full): none trimmed away" >&2
    return 0
  fi
  scratch=$(mktemp -d)
  infra_copy "$scratch/infra"
  printf 'resource "aws_sqs_queue" "scratch" {}\n' >"$scratch/infra/modules/strongbox/scratch.tf"
  if python3 scripts/lib/provider-trim.py check "$results/provider-schema.json" "$scratch/infra" 2>"$scratch/err"; then
    echo "  the schema check passed a scratch infra/ with aws_sqs_queue, which the trimmed build leaves out" >&2
    return 1
  fi
  sed 's/^/  /' "$scratch/err" >&2
  rm -rf "$scratch"
}

checkov_scan() {
  # --skip-download: no policy or guideline downloads (there is no network here).
  checkov -d infra --quiet --compact --framework terraform --skip-download -o json \
    >"$results/checkov.json" 2>"$results/checkov.log"
  local status=$?
  python3 - "$results/checkov.json" <<'PY' || return 1
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
s = {"passed": 0, "failed": 0, "skipped": 0}
for r in reports:
    for k in s:
        s[k] += r.get("summary", {}).get(k, 0)
    for c in r.get("results", {}).get("failed_checks", []):
        print(f"  FAILED {c['check_id']} {c['resource']} {c['file_path']}")
print(f"  checkov: passed {s['passed']}, failed {s['failed']}, skipped {s['skipped']}")
PY
  return $status
}

# engine_offline_checks ENGINE CHECK...: fmt, validate of the module and both
# envs, and the module tests with ENGINE, each through CHECK (`check`, or
# `lane_check LANE` inside a lane) followed by the check's name and command.
engine_offline_checks() {
  local engine=$1 version dir
  shift
  version=$(engine_version "$engine")
  "$@" "$engine $version fmt -check" "$engine" fmt -check -recursive -diff infra
  for dir in infra/modules/strongbox infra/envs/aws infra/envs/local; do
    "$@" "$engine $version validate $dir" engine_offline "$engine" "$dir" validate
  done
  "$@" "$engine $version test (module tests, mocked provider)" engine_offline "$engine" infra/modules/strongbox test
  # The test files themselves, once (the foreground engine): each run that
  # expects no failure applies, so both engines can assert on mocked values.
  if [[ $engine == tofu ]]; then
    "$@" "module tests: every run expecting no failure is command = apply" tftest_runs_apply
    "$@" "module tests: that check refuses a plan run expecting no failure" tftest_runs_apply_catches_a_plan_run
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# engine_lane ENGINE: in a background lane, every Terraform check for ENGINE —
# fmt, validate of the three root/module folders, the module tests — then the
# local stack round trip on a moto server of its own: apply, a plan right after
# with no changes, destroy, and nothing left behind.
engine_lane() {
  local engine=$1 lane=$1 version port endpoint stack="$results/stack-$1"
  version=$(engine_version "$engine")
  engine_offline_checks "$engine" lane_check "$lane"
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  moto_start "$stack" "$port" && moto_wait "$stack" "$port"
  export TF_ENGINE=$engine
  if lane_check "$lane" "$engine $version apply infra/envs/local to moto" stack_apply "$stack" "$endpoint"; then
    lane_check "$lane" "$engine $version second plan shows no changes" stack_second_plan "$stack" "$endpoint"
    lane_check "$lane" "$engine $version destroy" stack_destroy "$stack" "$endpoint"
    lane_check "$lane" "$engine $version destroy leaves nothing behind" \
      "$STRONGBOX_VENV/bin/python3" scripts/lib/leftovers.py "$endpoint"
  fi
  moto_stop "$stack"
}

# tftest_runs_apply [DIR]: every `run` of the module tests that expects no
# failure is `command = apply`. HashiCorp Terraform leaves a mocked computed
# attribute unknown at plan time, so a plan-mode assertion on it fails there
# ("Unknown condition value") while OpenTofu passes it; only runs that expect a
# validation failure stay on plan (the default command, so a run without
# `command` is a plan).
tftest_runs_apply() {
  "$STRONGBOX_VENV/bin/python3" - "${1:-infra/modules/strongbox/tests}" <<'PY'
import pathlib, sys
import hcl2
bad, total = [], 0
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.tftest.hcl")):
    for run in hcl2.loads(path.read_text()).get("run", []):
        for name, body in run.items():
            total += 1
            command = body.get("command", ["plan"])
            command = command[0] if isinstance(command, list) else command
            if "expect_failures" not in body and command.strip("${}") != "apply":
                bad.append(f"{path}: run \"{name}\" expects no failure but runs `command = {command.strip('${}')}`")
if total == 0:
    print(f"  no run blocks under {sys.argv[1]}", file=sys.stderr)
    sys.exit(1)
for line in bad:
    print(f"  {line}: make it `command = apply` (Terraform 1.11 cannot assert on mocked values at plan time)", file=sys.stderr)
print(f"  {total} runs, {len(bad)} expecting no failure on plan")
sys.exit(1 if bad else 0)
PY
}

# The check above goes red on a scratch test file with a plan run that expects
# no failure, and with a run that names no command at all.
tftest_runs_apply_catches_a_plan_run() {
  local scratch status=0
  scratch=$(mktemp -d)
  printf 'run "on_plan" {\n  command = plan\n  assert {\n    condition     = true\n    error_message = "x"\n  }\n}\n' >"$scratch/a.tftest.hcl"
  printf 'run "no_command" {\n  assert {\n    condition     = true\n    error_message = "x"\n  }\n}\nrun "fails_on_plan" {\n  command         = plan\n  expect_failures = [var.x]\n}\n' >"$scratch/b.tftest.hcl"
  if tftest_runs_apply "$scratch" >"$scratch/out" 2>&1; then
    echo "  the check passed plan runs that expect no failure" >&2
    status=1
  elif [[ $(grep -c 'expects no failure' "$scratch/out") != 2 ]]; then
    echo "  the check did not name exactly the two offending runs:" >&2
    status=1
  fi
  sed 's/^/  /' "$scratch/out" >&2
  rm -rf "$scratch"
  return $status
}
