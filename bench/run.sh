#!/usr/bin/env bash
# Strongbox against its peers (aws s3 cp, s5cmd, rclone) on one local MinIO, in
# alternation (A B C A B C …), bytes checked. Not part of `npm test`.
#
#   bench/run.sh                 every scenario, every tool, defaults and best settings
#   bench/run.sh sweep           short sweep of concurrency × part size per tool (256 MiB file,
#                                1,000 small files); writes bench/best-settings.json
#   bench/run.sh micro           checksum and pre-signing micro-benchmarks only
#   bench/run.sh serve           set up server, session, data and the reference objects (bench/ref/…),
#                                write $BENCH_DIR/env.sh, and wait
#                                (for profiling by hand: `source $BENCH_DIR/env.sh`)
#
# Knobs (environment): ROUNDS (5), SCENARIOS ("large small mid"), TOOLS ("strongbox aws s5cmd
# rclone"), VARIANTS ("defaults best"), LARGE_MIB (2048), MID_MIB (256), SMALL_FILES (1000),
# SMALL_KIB (64), DIRECTIONS ("up down"), LATENCY_MS (0: each tool reaches MinIO through toxiproxy
# holding each chunk this long each way), RUN_TIMEOUT (600 s a run), BENCH_DIR (scratch folder, default a fresh one under
# /tmp), KEEP=1 keeps it, REPORT=0 prints a summary instead of writing results and the README,
# STRONGBOX_BASE_CLI: another build's dist/bundle/main.js, measured as tool "base" (add it to TOOLS).
# Two more tools are floors, not peers (bench/floor.mjs, never in the README's table): "nodehttp",
# node:http moving the bytes and nothing else (no multipart upload: folders up, anything down),
# "nodesock", Node's raw sockets into reused buffers (one object down), and "nodesha", the same
# hashing each range (SHA-256) as Strongbox verifies.
# Each round runs the tools in a rotated order; before each run the disk's dirty pages are
# synced and MinIO left to come to rest (neither timed). Every measured run appends one JSON
# line to $BENCH_DIR/runs.jsonl; `node bench/report.mjs` turns them into
# bench/results/latest.json and the README's performance table.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/lib/common.sh"
source "$repo/bench/lib/setup.sh"
mode=${1:-run}

ROUNDS=${ROUNDS:-5}
SCENARIOS=${SCENARIOS:-large small mid}
TOOLS=${TOOLS:-strongbox aws s5cmd rclone}
VARIANTS=${VARIANTS:-defaults best}
LARGE_MIB=${LARGE_MIB:-2048}
MID_MIB=${MID_MIB:-256}
SMALL_FILES=${SMALL_FILES:-1000}
SMALL_KIB=${SMALL_KIB:-64}
DIRECTIONS=${DIRECTIONS:-up down}
REPORT=${REPORT:-1}
RCLONE=/usr/bin/rclone
S5CMD="$STRONGBOX_BIN/s5cmd"
TIME=/usr/bin/time
BEST_FILE=${BEST_FILE:-$repo/bench/best-settings.json}

[[ -x $TIME ]] || die "$TIME missing: apt-get install -y time"
for tool in $TOOLS; do
  case $tool in
    aws) [[ -x $AWS ]] || die "$AWS missing: apt-get install -y awscli" ;;
    rclone) [[ -x $RCLONE ]] || die "$RCLONE missing: apt-get install -y rclone" ;;
    s5cmd) [[ -x $S5CMD ]] || bash "$repo/bench/build-s5cmd.sh" ;;
    strongbox | nodehttp | nodesock | nodesha) ;;
    base) [[ -n ${STRONGBOX_BASE_CLI:-} ]] || die "tool base needs STRONGBOX_BASE_CLI (another build's dist/bundle/main.js)" ;;
    *) die "unknown tool $tool" ;;
  esac
done

bench_cli

if [[ $mode == micro ]]; then
  node "$repo/bench/micro.mjs"
  exit 0
fi

bench_server
runs="$work/runs.jsonl"
[[ $mode == sweep ]] && runs="$work/sweep.jsonl"
bench_data
tree_sum() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }
declare -A want
for s in $SCENARIOS; do
  p=$(path_of "$s")
  if [[ -d $p ]]; then want[$s]=$(tree_sum "$p"); else want[$s]=$(sha256sum <"$p" | cut -d' ' -f1); fi
done

# --- settings: "defaults" passes nothing; "best" reads bench/best-settings.json ---------
# best-settings.json: { "<tool>": { "<large|small>": { "<up|down>": { "concurrency": N, "partMiB": P } } } }
setting() { # TOOL CLASS DIR FIELD → value or empty
  [[ -f $BEST_FILE ]] || return 0
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get(sys.argv[2],{}).get(sys.argv[3],{}).get(sys.argv[4],{}).get(sys.argv[5]); print("" if v is None else v)' \
    "$BEST_FILE" "$1" "$2" "$3" "$4"
}
class_of() { [[ $1 == small ]] && echo small || echo large; }

# command_for TOOL DIR SCENARIO CONC PART_MIB → sets the array `cmd` (CONC / PART_MIB empty = tool default)
command_for() {
  local tool=$1 dir=$2 scen=$3 conc=$4 part=$5 src key out
  src=$(path_of "$scen")
  key="bench/$tool/$scen"
  out="$work/out/$tool"
  cmd=()
  case $tool in
    strongbox | base)
      local flags=() cli=$cli
      [[ $tool == base ]] && cli=$STRONGBOX_BASE_CLI
      [[ -n $conc ]] && flags+=(--concurrency "$conc")
      # Many files: the swept number is files in flight (as s5cmd's workers), requests alike.
      [[ -n $conc && $scen == small ]] && flags+=(--files "$conc")
      [[ $dir == up && -n $part ]] && flags+=(--part-size "${part}MiB")
      strongbox_args "$dir" "$scen" "$key" "$out" "${flags[@]}"
      cmd=(node "$cli" "${sargs[@]}")
      ;;
    aws)
      # awscli takes its transfer settings from its config file only.
      local cfg="$work/aws-${conc:-d}-${part:-d}.cfg"
      {
        echo "[default]"
        if [[ -n $conc || -n $part ]]; then
          echo "s3 ="
          [[ -n $conc ]] && echo "  max_concurrent_requests = $conc"
          [[ -n $part ]] && echo "  multipart_chunksize = ${part}MB" && echo "  multipart_threshold = ${part}MB"
        fi
      } >"$cfg"
      cmd=(env AWS_CONFIG_FILE="$cfg" "$AWS" --endpoint-url "$endpoint" s3 cp --only-show-errors)
      if [[ $dir == up ]]; then
        [[ $scen == small ]] && cmd+=(--recursive "$src" "s3://$bucket/$key/") || cmd+=("$src" "s3://$bucket/$key")
      else
        [[ $scen == small ]] && cmd+=(--recursive "s3://$bucket/bench/ref/$scen/" "$out/") || cmd+=("s3://$bucket/bench/ref/$scen" "$out/$scen.bin")
      fi
      ;;
    s5cmd)
      cmd=("$S5CMD" --endpoint-url "$endpoint" --log error)
      if [[ $scen == small ]]; then
        [[ -n $conc ]] && cmd+=(--numworkers "$conc")
        cmd+=(cp)
      else
        cmd+=(cp)
        [[ -n $conc ]] && cmd+=(--concurrency "$conc")
        [[ -n $part ]] && cmd+=(--part-size "$part")
      fi
      if [[ $dir == up ]]; then
        [[ $scen == small ]] && cmd+=("$src/*" "s3://$bucket/$key/") || cmd+=("$src" "s3://$bucket/$key")
      else
        [[ $scen == small ]] && cmd+=("s3://$bucket/bench/ref/$scen/*" "$out/") || cmd+=("s3://$bucket/bench/ref/$scen" "$out/$scen.bin")
      fi
      ;;
    nodehttp | nodesock | nodesha)
      # Floors, not peers (bench/floor.mjs): Node's HTTP stack alone, nothing verified or synced.
      cmd=(env ENDPOINT="$endpoint" BUCKET="$bucket" node "$repo/bench/floor.mjs")
      if [[ $dir == up ]]; then cmd+=(up "$src" "$key/")
      elif [[ $scen == small ]]; then cmd+=(down "bench/ref/$scen/" "$out/")
      else cmd+=(down "bench/ref/$scen" "$out/$scen.bin"); fi
      if [[ $tool == nodesock ]]; then cmd+=(--sockets); fi
      if [[ $tool == nodesha ]]; then cmd+=(--sockets-sha256); fi
      ;;
    rclone)
      cmd=("$RCLONE" --config /dev/null -q)
      if [[ -n $conc ]]; then
        if [[ $scen == small ]]; then cmd+=(--transfers "$conc" --checkers "$conc")
        else cmd+=(--s3-upload-concurrency "$conc" --multi-thread-streams "$conc"); fi
      fi
      [[ -n $part ]] && cmd+=(--s3-chunk-size "${part}M")
      if [[ $dir == up ]]; then
        [[ $scen == small ]] && cmd+=(copy "$src" "bench:$bucket/$key") || cmd+=(copyto "$src" "bench:$bucket/$key")
      else
        [[ $scen == small ]] && cmd+=(copy "bench:$bucket/bench/ref/$scen" "$out") || cmd+=(copyto "bench:$bucket/bench/ref/$scen" "$out/$scen.bin")
      fi
      ;;
  esac
}

# supports TOOL DIR SCENARIO: whether the tool has that cell (the floors move only what they were written for).
supports() {
  case $1 in
    nodehttp) [[ $2 == down || $3 == small ]] ;;
    nodesock | nodesha) [[ $2 == down && $3 != small ]] ;;
    *) true ;;
  esac
}

# The round's order: the tools (and variants) rotated by one place a round, so that no tool
# always runs first after the uploads (or last before them). rotated ROUND WORD... → words
rotated() {
  local -a w=("${@:2}")
  local n=${#w[@]} k i
  k=$((($1 - 1) % n))
  for ((i = 0; i < n; i++)); do printf '%s ' "${w[(i + k) % n]}"; done
}

# measure TOOL VARIANT SCENARIO DIR ROUND CONC PART: one timed run, bytes checked, one JSON line.
measure() {
  local tool=$1 variant=$2 scen=$3 dir=$4 round=$5 conc=$6 part=$7
  local out="$work/out/$tool" load ok=true
  rm -rf "$out" && mkdir -p "$out"
  # Each upload starts from an empty key (rclone would otherwise skip an object already there),
  # every version gone: the bucket is versioned, and 2 GiB a run would fill the disk.
  if [[ $dir == up ]]; then
    "$S5CMD" --endpoint-url "$endpoint" --log error rm --all-versions "s3://$bucket/bench/$tool/$scen$([[ $scen == small ]] && echo '/*')" >/dev/null 2>&1 || true
  fi
  command_for "$tool" "$dir" "$scen" "$conc" "$part"
  settle
  load=$(cut -d' ' -f1 /proc/loadavg)
  # A tool that hangs fails its run (RUN_TIMEOUT seconds) instead of stopping the bench.
  : >"$work/time.txt"
  local server_before server_after
  server_before=$(server_ticks)
  if ! timeout --kill-after=10 "${RUN_TIMEOUT:-600}" $TIME -f '%e %U %S %M' -o "$work/time.txt" "${cmd[@]}" >"$work/run.out" 2>"$work/run.err"; then
    ok=false
    echo "bench: FAILED $tool $variant $scen $dir: ${cmd[*]}" >&2
    tail -5 "$work/run.err" >&2
  fi
  server_after=$(server_ticks)
  [[ -s $work/time.txt ]] || echo "${RUN_TIMEOUT:-600} 0 0 0" >"$work/time.txt" # killed: no figures
  read -r wall user sys rss < <(tail -1 "$work/time.txt")
  # A download's write-back, timed apart: Strongbox syncs the file before it exits, the peers
  # leave it to the kernel; wall + this is each tool's time until the bytes are on disk.
  local sync_after=null t0
  if [[ $ok == true && $dir == down ]]; then
    t0=$(date +%s.%N)
    sync
    sync_after=$(awk -v t0="$t0" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.3f", t1 - t0 }')
  fi
  local got=
  if [[ $ok == true && $dir == down ]]; then
    if [[ $scen == small ]]; then got=$(tree_sum "$out"); else got=$(sha256sum <"$out/$scen.bin" | cut -d' ' -f1); fi
  elif [[ $ok == true && $dir == up && $round == 1 ]]; then
    # The first upload of each cell is read back and compared (later rounds write the same bytes).
    rm -rf "$work/check" && mkdir -p "$work/check"
    if [[ $scen == small ]]; then
      "$S5CMD" --endpoint-url "$endpoint" --log error cp "s3://$bucket/bench/$tool/$scen/*" "$work/check/" >/dev/null
      got=$(tree_sum "$work/check")
    else
      got=$("$S5CMD" --endpoint-url "$endpoint" --log error cat "s3://$bucket/bench/$tool/$scen" | sha256sum | cut -d' ' -f1)
    fi
    rm -rf "$work/check"
  fi
  local checked=null
  if [[ -n $got ]]; then
    if [[ $got == "${want[$scen]}" ]]; then checked=true; else checked=false; ok=false; echo "bench: BYTES DIFFER $tool $variant $scen $dir" >&2; fi
  fi
  printf '{"tool":"%s","variant":"%s","scenario":"%s","direction":"%s","round":%s,"concurrency":"%s","partMiB":"%s","bytes":%s,"wall":%s,"user":%s,"sys":%s,"rssKiB":%s,"ok":%s,"bytesChecked":%s,"load":%s,"syncAfter":%s,"serverCpu":%s}\n' \
    "$tool" "$variant" "$scen" "$dir" "$round" "$conc" "$part" "$(bytes_of "$scen")" "$wall" "$user" "$sys" "$rss" "$ok" "$checked" "$load" "$sync_after" \
    "$(awk -v t="$((server_after - server_before))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }')" >>"$runs"
  printf '  %-9s %-8s %-5s %-4s r%s %7ss cpu %6ss rss %5s MiB load %s%s\n' "$tool" "$variant" "$scen" "$dir" "$round" \
    "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$load" "$([[ $ok == true ]] || echo ' FAILED')" >&2
  rm -rf "$out"
}


if [[ $mode == serve ]]; then
  {
    for v in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION STRONGBOX_CONFIG STRONGBOX_STATE_DIR RCLONE_CONFIG_BENCH_TYPE \
      RCLONE_CONFIG_BENCH_PROVIDER RCLONE_CONFIG_BENCH_ENDPOINT RCLONE_CONFIG_BENCH_ACCESS_KEY_ID \
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY; do printf 'export %s=%q\n' "$v" "${!v}"; done
    printf 'export ENDPOINT=%q BUCKET=%q DATA=%q CLI=%q\nunset AWS_CA_BUNDLE\n' "$endpoint" "$bucket" "$data" "$cli"
  } >"$work/env.sh"
  echo "serving: source $work/env.sh" >&2
  sleep infinity &
  wait $!
fi

# The disk's raw read speed (O_DIRECT: the page cache does not count), once.
disk_read() {
  local f=$data/large.bin
  [[ -f $f ]] || f=$data/mid.bin
  dd if="$f" of=/dev/null bs=4M iflag=direct 2>&1 | awk '/copied/ {print $(NF-1), $NF}'
}

versions() {
  printf '{"node":"%s","strongbox":"%s","aws":"%s","s5cmd":"%s","rclone":"%s","minio":"%s"}' \
    "$(node --version)" "$(git -C "$repo" rev-parse --short HEAD)" "$($AWS --version 2>&1 | cut -d' ' -f1)" \
    "$("$S5CMD" version 2>/dev/null)" "$($RCLONE version 2>/dev/null | head -1 | cut -d' ' -f2)" \
    "$MINIO_VERSION"
}
machine() {
  printf '{"cores":%s,"cpu":"%s","memGiB":%s,"kernel":"%s","diskRead":"%s"}' "$(nproc)" \
    "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" \
    "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)" "$(uname -r)" "$(disk_read)"
}

if [[ $mode == sweep ]]; then
  : >"$runs"
  echo "# sweep on $endpoint, $(uptime)" >&2
  for s in $SCENARIOS; do
    [[ $s == large ]] && continue # the sweep uses the 256 MiB file for the large class
    for dir in up down; do
      for tool in $TOOLS; do
        if [[ $s == small ]]; then combos=${SWEEP_SMALL:-"8: 16: 32: 64:"}; else combos=${SWEEP_LARGE:-"4:8 8:8 16:8 8:16 16:16 16:32 32:16"}; fi
        for c in $combos; do
          part=${c#*:}
          [[ $dir == down && $tool == strongbox ]] && part="" # a download follows the object's parts
          measure "$tool" "c${c%%:*}p${part:-x}" "$s" "$dir" 1 "${c%%:*}" "$part"
        done
      done
    done
  done
  node "$repo/bench/report.mjs" sweep "$runs" "$BEST_FILE"
  exit 0
fi

node "$repo/bench/micro.mjs" >"$work/micro.json" 2>/dev/null || die "micro-benchmarks failed"
{
  echo "{\"started\":\"$(date -u +%FT%TZ)\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"machine\":$(machine),\"versions\":$(versions),\"rounds\":$ROUNDS,\"latencyMs\":${LATENCY_MS:-0}}"
} >"$work/meta.json"
: >"$runs"
echo "# bench on $endpoint, $(uptime)" >&2
for round in $(seq 1 "$ROUNDS"); do
  for s in $SCENARIOS; do
    for dir in $DIRECTIONS; do
      for variant in $(rotated "$round" $VARIANTS); do
        for tool in $(rotated "$round" $TOOLS); do
          supports "$tool" "$dir" "$s" || continue
          conc= part=
          if [[ $variant == best ]]; then
            conc=$(setting "$tool" "$(class_of "$s")" "$dir" concurrency)
            part=$(setting "$tool" "$(class_of "$s")" "$dir" partMiB)
          fi
          measure "$tool" "$variant" "$s" "$dir" "$round" "$conc" "$part"
        done
      done
    done
  done
done
echo "{\"finished\":\"$(date -u +%FT%TZ)\",\"load\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$work/meta.json"
if [[ $REPORT == 0 ]]; then
  node "$repo/bench/report.mjs" summary "$runs"
elif ((${LATENCY_MS:-0} > 0)); then
  # Behind a latency: its own results file; the README's table stays the loopback run's.
  node "$repo/bench/report.mjs" run "$work" "$repo/bench/results/latency-${LATENCY_MS}ms.json"
else
  node "$repo/bench/report.mjs" run "$work" "$repo/bench/results/latest.json" "$repo/README.md"
fi
