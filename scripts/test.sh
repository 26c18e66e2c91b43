#!/usr/bin/env bash
# `npm test`: every test of Strongbox. Installs what it needs (idempotently),
# then runs: lint and types, unit tests, Terraform checks (fmt, validate,
# tofu test, checkov), the local stack round trip on moto with the integration
# tests in the middle (CLI, transfers, access contract, MinIO strict lane).
# Every check runs even when an earlier one failed; the last line counts them.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
cd "$STRONGBOX_ROOT"

bash scripts/bootstrap.sh || die "bootstrap failed"

passed=0
failed=0
failures=()
results="$STRONGBOX_ROOT/.strongbox/test"
rm -rf "$results"
mkdir -p "$results"

# check NAME COMMAND...: one named check, its time, and its outcome.
check() {
  local name=$1
  shift
  step "$name"
  if "$@"; then
    passed=$((passed + 1))
    step_done "ok"
    return 0
  fi
  failed=$((failed + 1))
  failures+=("$name")
  step_done "FAILED"
  return 1
}

# vitest_check NAME PROJECT: counts each vitest test as its own check.
vitest_check() {
  local name=$1 project=$2 report="$results/vitest-$2.json"
  step "$name"
  vitest run --project "$project" --reporter=default --reporter=json --outputFile="$report"
  local status=$? p=0 f=0 s=0
  if [[ -f $report ]]; then
    local counts
    counts=$(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorCount ?? 0), r.numPendingTests)' "$report")
    read -r p f s <<<"$counts"
    passed=$((passed + p))
    failed=$((failed + f))
    ((s > 0)) && { failed=$((failed + s)); failures+=("$name: $s skipped tests (skips are defects here)"); }
    ((p == 0)) && { failed=$((failed + 1)); failures+=("$name: no test ran"); }
  fi
  if ((status != 0)); then
    failures+=("$name")
    # A non-zero exit with no failed test is an unhandled error (vitest "Errors"): it fails too.
    if [[ ! -f $report ]] || ((f == 0)); then failed=$((failed + 1)); fi
  fi
  step_done "exit $status"
}

# engine_offline ENGINE DIR COMMAND...: ENGINE on DIR (a path under infra/) in a
# fresh copy of infra/, initialised without a backend; then COMMAND there.
engine_offline() {
  local engine=$1 dir=$2 work
  shift 2
  work=$(mktemp -d)
  infra_copy "$work/infra"
  TF_DATA_DIR="$work/.terraform" "$engine" -chdir="$work/$dir" init -backend=false -input=false -no-color >"$work/init.log" ||
    { cat "$work/init.log" >&2; return 1; }
  TF_DATA_DIR="$work/.terraform" "$engine" -chdir="$work/$dir" "$@" -no-color
}

# The provider in use has every aws_* type infra/ uses, and the check that says
# so goes red on a scratch copy of infra/ that adds a type from a service the
# local build left out (only a trimmed build leaves any out).
schema_json() {
  local out=$1 work
  work=$(mktemp -d)
  infra_copy "$work/infra"
  TF_DATA_DIR="$work/.terraform" tofu -chdir="$work/infra/modules/strongbox" init -backend=false -input=false -no-color >/dev/null &&
    TF_DATA_DIR="$work/.terraform" tofu -chdir="$work/infra/modules/strongbox" providers schema -json >"$out"
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

check "biome (lint + format)" biome check .
check "typescript (tsc --noEmit)" tsc -p tsconfig.json --noEmit
vitest_check "unit tests" unit

for engine in tofu terraform; do
  version=$(engine_version "$engine")
  check "$engine $version fmt -check" "$engine" fmt -check -recursive -diff infra
  for dir in infra/modules/strongbox infra/envs/aws infra/envs/local; do
    check "$engine $version validate $dir" engine_offline "$engine" "$dir" validate
  done
  check "$engine $version test (module tests, mocked provider)" engine_offline "$engine" infra/modules/strongbox test
done
check "provider schema has every aws_* type infra/ uses" schema_check
check "schema check fails on a type from a trimmed-away service" schema_check_catches_a_trimmed_service
check "checkov over infra/ (zero failures)" checkov_scan

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# stack_round_trip ENGINE DIR: on a moto server of its own, ENGINE applies
# envs/local, plans again (no changes), destroys, and nothing is left. Prints
# "ok|FAILED<TAB>check name" a line; run in the background beside the integration tests.
stack_round_trip() {
  local engine=$1 dir=$2 port endpoint
  port=$(free_port)
  endpoint="http://127.0.0.1:$port"
  mkdir -p "$dir"
  result() { printf '%s\t%s %s\n' "$1" "$engine $(engine_version "$engine")" "$2"; }
  (
    moto_start "$dir" "$port" && moto_wait "$dir" "$port"
    export TF_ENGINE=$engine
    if stack_apply "$dir" "$endpoint" 2>"$dir/apply.err"; then
      result ok "apply infra/envs/local to moto"
      if stack_second_plan "$dir" "$endpoint" 2>"$dir/plan2.err"; then result ok "second plan shows no changes"; else result FAILED "second plan shows no changes"; fi
      if stack_destroy "$dir" "$endpoint" 2>"$dir/destroy.err"; then result ok "destroy"; else result FAILED "destroy"; fi
      if "$STRONGBOX_VENV/bin/python3" scripts/lib/leftovers.py "$endpoint" >"$dir/leftovers.log" 2>&1; then
        result ok "destroy leaves nothing behind"
      else result FAILED "destroy leaves nothing behind"; fi
    else
      result FAILED "apply infra/envs/local to moto"
    fi
    moto_stop "$dir"
  ) 2>>"$dir/round-trip.err"
}

# The local stack: moto, apply, a clean second plan, integration tests, destroy,
# nothing left — by OpenTofu, with the integration tests in the middle; and the
# same round trip by Terraform on a second moto server, side by side.
export TF_ENGINE=tofu
port=$(free_port)
endpoint="http://127.0.0.1:$port"
stack="$results/stack"
step "moto server on $endpoint"
moto_start "$stack" "$port"
moto_wait "$stack" "$port"
trap 'moto_stop "$stack"; moto_stop "$results/stack-terraform"' EXIT
step_done
stack_round_trip terraform "$results/stack-terraform" >"$results/stack-terraform.results" &
round_trip_pid=$!
if check "tofu $(engine_version tofu) apply infra/envs/local to moto" stack_apply "$stack" "$endpoint" && [[ -f $stack/outputs.json ]]; then
  check "tofu second plan shows no changes" stack_second_plan "$stack" "$endpoint"
  check "CLI configuration written from terraform outputs" stack_write_env "$stack" "$endpoint"
  # dist/ was built by the bootstrap; the tests run that very binary.
  export STRONGBOX_TEST_STACK_DIR="$stack" STRONGBOX_TEST_ENDPOINT="$endpoint" STRONGBOX_TEST_CLI="$STRONGBOX_ROOT/dist/cli/main.js"
  vitest_check "integration tests (moto stack, MinIO lane, access contract)" integration
  check "tofu destroy" stack_destroy "$stack" "$endpoint"
  check "tofu destroy leaves nothing behind" "$STRONGBOX_VENV/bin/python3" scripts/lib/leftovers.py "$endpoint"
fi
moto_stop "$stack"

step "terraform round trip on its own moto server (ran beside the integration tests)"
wait "$round_trip_pid"
step_done
while IFS=$'\t' read -r outcome name; do
  if [[ $outcome == ok ]]; then
    passed=$((passed + 1))
    echo "    ok: $name" >&2
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "    FAILED: $name (logs: $results/stack-terraform)" >&2
    cat "$results/stack-terraform/"*.err >&2 2>/dev/null
  fi
done <"$results/stack-terraform.results"
if [[ $(grep -c . "$results/stack-terraform.results") -eq 0 ]]; then
  failed=$((failed + 1))
  failures+=("terraform round trip: no result (see $results/stack-terraform/round-trip.err)")
fi

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "strongbox: $passed passed, $failed failed"
((failed == 0))
