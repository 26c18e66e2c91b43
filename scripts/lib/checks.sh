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

# vitest_outcomes NAME REPORT STATUS: what a vitest run counts for, one line per
# outcome: "ok|FAILED<TAB>label<TAB>count". Each test counts as its own check; a
# skip, a run with no test, or a non-zero exit with no failed test (an unhandled
# error: vitest's "Errors") fails.
vitest_outcomes() {
  local name=$1 report=$2 status=$3 p=0 f=0 s=0
  if [[ -f $report ]]; then
    read -r p f s < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorCount ?? 0), r.numPendingTests)' "$report")
  fi
  ((p > 0)) && printf 'ok\t%s\t%s\n' "$name" "$p"
  ((f > 0)) && printf 'FAILED\t%s: %s failed\t%s\n' "$name" "$f" "$f"
  ((s > 0)) && printf 'FAILED\t%s: %s skipped tests (skips are defects here)\t%s\n' "$name" "$s" "$s"
  ((p == 0)) && printf 'FAILED\t%s: no test ran\t1\n' "$name"
  ((status != 0 && f == 0)) && printf 'FAILED\t%s: vitest exited %s with no failed test (an error outside the tests)\t1\n' "$name" "$status"
  return 0
}

# vitest_check NAME PROJECT: a vitest project in the foreground.
vitest_check() {
  local name=$1 project=$2 report="$results/vitest-$2.json" outcome label count
  step "$name"
  vitest run --project "$project" --reporter=default --reporter=json --outputFile="$report"
  local status=$?
  while IFS=$'\t' read -r outcome label count; do
    if [[ $outcome == ok ]]; then
      passed=$((passed + count))
    else
      failed=$((failed + count))
      failures+=("$label")
    fi
  done < <(vitest_outcomes "$name" "$report" "$status")
  step_done "exit $status"
}

# lane_vitest LANE NAME PROJECT: a vitest project inside a background lane.
lane_vitest() {
  local lane=$1 name=$2 project=$3 report="$results/vitest-$3.json" started outcome label count
  started=$(date +%s)
  printf '==> %s\n' "$name" >>"$results/$lane.log"
  vitest run --project "$project" --reporter=default --reporter=json --outputFile="$report" >>"$results/$lane.log" 2>&1
  local status=$?
  while IFS=$'\t' read -r outcome label count; do
    printf '%s\t%s\t%s\t%s\n' "$outcome" "$label" "$(($(date +%s) - started))" "$count" >>"$results/$lane.results"
  done < <(vitest_outcomes "$name" "$report" "$status")
}

# Lanes: checks that run in the background beside the others (a second engine,
# a second emulator). A lane's checks append "ok|FAILED<TAB>name<TAB>seconds[<TAB>count]"
# to $results/LANE.results and their output to $results/LANE.log.

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
  local lane=$1 outcome name seconds count
  step "$lane lane (ran in the background; log: $results/$lane.log)"
  wait "${lane_pids[$lane]}"
  while IFS=$'\t' read -r outcome name seconds count; do
    count=${count:-1}
    if [[ $outcome == ok ]]; then
      passed=$((passed + count))
      ((count > 1)) && name="$name ($count)"
      printf '    ok (%ss): %s\n' "$seconds" "$name" >&2
    else
      failed=$((failed + count))
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
