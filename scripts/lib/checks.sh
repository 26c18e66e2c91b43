# Shared by scripts/test.sh: named checks and their counts. Source after common.sh,
# with $results set to the run's output folder. Every check runs even when an
# earlier one failed; passed, failed and failures add them up.

passed=0
failed=0
failures=()

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

# Lanes: checks that run in the background beside the others (a second engine,
# a second emulator). A lane's checks append "ok|FAILED<TAB>name" to
# $results/LANE.results and their output to $results/LANE.log.

# lane_check LANE NAME COMMAND...: one named check inside a background lane.
lane_check() {
  local lane=$1 name=$2 started
  shift 2
  started=$(date +%s)
  printf '==> %s\n' "$name" >>"$results/$lane.log"
  if "$@" >>"$results/$lane.log" 2>&1; then
    printf 'ok\t%s\t%s\n' "$name" "$(($(date +%s) - started))" >>"$results/$lane.results"
    return 0
  fi
  printf 'FAILED\t%s\t%s\n' "$name" "$(($(date +%s) - started))" >>"$results/$lane.results"
  return 1
}

# lane_start LANE FUNCTION [ARGS...]: runs FUNCTION in the background as LANE.
declare -A lane_pids=()
lane_start() {
  local lane=$1
  shift
  : >"$results/$lane.results"
  "$@" </dev/null >>"$results/$lane.log" 2>&1 &
  lane_pids[$lane]=$!
}

# lane_collect LANE: waits for LANE and counts its checks as check() does.
lane_collect() {
  local lane=$1 outcome name seconds
  step "$lane lane (ran in the background; log: $results/$lane.log)"
  wait "${lane_pids[$lane]}"
  while IFS=$'\t' read -r outcome name seconds; do
    if [[ $outcome == ok ]]; then
      passed=$((passed + 1))
      printf '    ok (%ss): %s\n' "$seconds" "$name" >&2
    else
      failed=$((failed + 1))
      failures+=("$name")
      printf '    FAILED (%ss): %s\n' "$seconds" "$name" >&2
    fi
  done <"$results/$lane.results"
  if ! grep -q . "$results/$lane.results"; then
    failed=$((failed + 1))
    failures+=("$lane lane: no check ran")
  fi
  grep -q '^FAILED' "$results/$lane.results" && tail -40 "$results/$lane.log" >&2
  step_done
}
