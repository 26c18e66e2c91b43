#!/usr/bin/env bash
# Where Strongbox's time goes: each scenario and direction run once at the CLI's defaults under
# `node --cpu-prof`, against a fresh local MinIO set up as for bench/run.sh, and the main
# thread's profile summarised by bench/profile.mjs (time by kind of work, top functions).
# Not part of `npm test`.
#
#   bench/profile.sh        writes bench/results/profiles/<scenario>-<direction>.txt
#
# Knobs (environment): SCENARIOS ("large small mid"), DIRECTIONS ("up down"), LARGE_MIB (2048),
# MID_MIB (256), SMALL_FILES (1000), SMALL_KIB (64), OUT (folder for the summaries),
# STRONGBOX_CLI (a built dist/bundle/main.js instead of building dist/), BENCH_DIR, KEEP=1
# (keeps the data and the raw profiles: $BENCH_DIR/profiles/*.cpuprofile, which Chrome's
# DevTools open).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/scripts/lib/common.sh"
source "$repo/bench/lib/setup.sh"

SCENARIOS=${SCENARIOS:-large small mid}
DIRECTIONS=${DIRECTIONS:-up down}
LARGE_MIB=${LARGE_MIB:-2048}
MID_MIB=${MID_MIB:-256}
SMALL_FILES=${SMALL_FILES:-1000}
SMALL_KIB=${SMALL_KIB:-64}
OUT=${OUT:-$repo/bench/results/profiles}
TIME=/usr/bin/time
[[ -x $TIME ]] || die "$TIME missing: apt-get install -y time"

bench_cli
bench_server
trap 'cleanup; [[ ${KEEP:-0} == 1 ]] || rm -rf "$work/profiles"' EXIT
bench_data
mkdir -p "$OUT" "$work/profiles"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
for s in $SCENARIOS; do
  for dir in $DIRECTIONS; do
    name="$s-$dir"
    out="$work/out/profile"
    rm -rf "$out" "$work/profiles/$name" && mkdir -p "$out" "$work/profiles/$name"
    # Each upload goes to a key of its own: an upload skips a file already there unchanged.
    strongbox_args "$dir" "$s" "bench/profile/$stamp/$s" "$out"
    settle
    free=$(awk '/^MemFree/ {print int($2 / 1024)}' /proc/meminfo)
    $TIME -f '%e %U %S %M' -o "$work/time.txt" \
      node --cpu-prof --cpu-prof-dir="$work/profiles/$name" "$cli" "${sargs[@]}" >/dev/null
    read -r wall user sys rss <"$work/time.txt"
    prof=$(find "$work/profiles/$name" -name '*.cpuprofile' | head -1)
    cp "$prof" "$work/profiles/$name.cpuprofile"
    title="strongbox ${sargs[0]}, $s ($(bytes_of "$s") bytes), defaults, $(date -u +%F), $(git -C "$repo" rev-parse --short HEAD)
process: ${wall} s wall, ${user} s user, ${sys} s system, $((rss / 1024)) MiB peak RSS (with --cpu-prof)
machine: $(nproc) cores, $free MiB of memory free before the run (a full page cache makes writes dearer)"
    node "$repo/bench/profile.mjs" "$prof" --title "$title" >"$OUT/$name.txt"
    echo "profile: $OUT/$name.txt (${wall} s)" >&2
    rm -rf "$out"
  done
done
