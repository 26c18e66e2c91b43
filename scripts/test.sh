#!/usr/bin/env bash
# `npm test`: every test of Strongbox. Installs what it needs (idempotently),
# then runs: lint and types, unit tests, Terraform checks (fmt, validate,
# tofu test, checkov), the local stack round trip on moto with the integration
# tests in the middle (CLI, transfers, access contract, MinIO strict lane) and
# prowler's scan of the stack.
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

# tofu_offline DIR COMMAND: init DIR without a backend in a throwaway data dir, then run COMMAND there.
tofu_offline() {
  local dir=$1 data
  shift
  data=$(mktemp -d)
  TF_DATA_DIR="$data" tofu -chdir="$dir" init -backend=false -input=false -no-color >/dev/null &&
    TF_DATA_DIR="$data" tofu -chdir="$dir" "$@" -no-color
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

check "tofu fmt -check" tofu fmt -check -recursive -diff infra
for dir in infra/modules/strongbox infra/envs/aws infra/envs/local; do
  check "tofu validate $dir" tofu_offline "$dir" validate
done
check "tofu test (module plan-level tests)" tofu_offline infra/modules/strongbox test
check "checkov over infra/ (zero failures)" checkov_scan

# The local stack: moto, apply, a clean second plan, integration tests, destroy, nothing left.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
stack="$results/stack"
step "moto server on $endpoint"
moto_start "$stack" "$port"
trap 'moto_stop "$stack"' EXIT
step_done
if check "tofu apply infra/envs/local to moto" stack_apply "$stack" "$endpoint" && [[ -f $stack/outputs.json ]]; then
  second_plan() {
    stack_tofu "$stack" plan -input=false -no-color -detailed-exitcode -var "endpoint=$endpoint" >"$stack/plan2.log"
    local status=$?
    ((status == 2)) && grep -E '^\s+# |Plan:' "$stack/plan2.log" >&2
    return $status
  }
  check "second plan shows no changes" second_plan
  check "CLI configuration written from terraform outputs" stack_write_env "$stack" "$endpoint"
  # dist/ was built by the bootstrap; the tests run that very binary.
  export STRONGBOX_TEST_STACK_DIR="$stack" STRONGBOX_TEST_ENDPOINT="$endpoint" STRONGBOX_TEST_CLI="$STRONGBOX_ROOT/dist/cli/main.js"
  vitest_check "integration tests (moto stack, MinIO lane, access contract)" integration
  # After the tests, on the stack as they leave it: an outside scanner's view.
  check "prowler (s3 cloudtrail kms cloudwatch sns): no failure outside test/prowler/known-failures.tsv" \
    python3 scripts/lib/prowler-scan.py "$STRONGBOX_PROWLER_VENV/bin/prowler" "$endpoint" "$results/prowler" \
    test/prowler/known-failures.tsv
  check "tofu destroy" stack_destroy "$stack" "$endpoint"
  check "destroy leaves nothing behind" "$STRONGBOX_VENV/bin/python3" scripts/lib/leftovers.py "$endpoint"
fi
moto_stop "$stack"

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "strongbox: $passed passed, $failed failed"
((failed == 0))
