#!/usr/bin/env bash
# Strongbox vs Debian's awscli, same file, same server, one run.
#
#   bench/upload-vs-awscli.sh                 compare uploads (SIZE_MIB, default 512) and
#                                             measure a 1 GiB upload + download (peak RSS, bytes)
#   bench/upload-vs-awscli.sh sweep           strongbox upload over part sizes × concurrency
#
# Server: MinIO (~/.cache/strongbox/bin/minio, strict S3 that checks every
# pre-signed signature) when it is built, else moto (say so in the numbers: moto
# is a Python emulator and dominates the timings). Force with BENCH_TARGET=minio|moto.
# Knobs: SIZE_MIB, RSS_MIB (default 1024), RUNS (default 2, best of), PART_SIZE, CONCURRENCY.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-compare}
SIZE_MIB=${SIZE_MIB:-512}
RSS_MIB=${RSS_MIB:-1024}
RUNS=${RUNS:-2}
AWS=/usr/bin/aws # Debian's awscli (apt-get install -y awscli), not a pyenv shim
MINIO=${MINIO:-$HOME/.cache/strongbox/bin/minio}
MOTO=${MOTO:-$HOME/.cache/strongbox/venv/bin/moto_server}
BUCKET=strongbox-bench

die() { echo "bench: $*" >&2; exit 1; }
[[ -x $AWS ]] || die "$AWS missing: apt-get install -y awscli"
[[ -x /usr/bin/time ]] || die "/usr/bin/time missing: apt-get install -y time"
target=${BENCH_TARGET:-$([[ -x $MINIO ]] && echo minio || echo moto)}

tmp=$(mktemp -d /tmp/strongbox-bench.XXXXXX)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cd "$repo"
cli=${STRONGBOX_CLI:-$repo/dist/cli/main.js}
dist=$(dirname "$(dirname "$cli")")
[[ -f $cli ]] || npm run build >/dev/null || die "build failed"
node "$cli" --help | grep -q ' upload ' || die "$cli has no upload command (registerUpload not wired?)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=benchadmin AWS_SECRET_ACCESS_KEY=benchadmin-secret AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
case $target in
minio)
  [[ -x $MINIO ]] || die "no MinIO at $MINIO"
  MINIO_ROOT_USER=$AWS_ACCESS_KEY_ID MINIO_ROOT_PASSWORD=$AWS_SECRET_ACCESS_KEY MINIO_BROWSER=off \
    "$MINIO" server "$tmp/data" --address "127.0.0.1:$port" --quiet >"$tmp/server.log" 2>&1 &
  server_pid=$!
  ;;
moto)
  MOTO_ACCOUNT_ID=123456789012 "$MOTO" -H 127.0.0.1 -p "$port" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  ;;
*) die "BENCH_TARGET must be minio or moto" ;;
esac
for _ in $(seq 1 150); do
  curl -s -o /dev/null "$endpoint/" && break
  sleep 0.2
done
$AWS --endpoint-url "$endpoint" s3 mb "s3://$BUCKET" >/dev/null

# A CLI config pointed at the server, in its own folder (sessions, resume records).
export STRONGBOX_CONFIG="$tmp/strongbox/config.json"
mkdir -p "$tmp/strongbox"
cat >"$STRONGBOX_CONFIG" <<JSON
{ "version": 1, "region": "us-east-1", "bucket": "$BUCKET",
  "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/bench",
  "roles": { "uploader": "arn:aws:iam::123456789012:role/bench-uploader",
             "viewer": "arn:aws:iam::123456789012:role/bench-viewer",
             "admin": "arn:aws:iam::123456789012:role/bench-admin" },
  "adminMfaRequired": false, "maxSessionSeconds": 43200,
  "endpoint": "$endpoint", "forcePathStyle": true }
JSON

# Role sessions: `strongbox login` where the server has STS with GetCallerIdentity (moto);
# on MinIO, a real temporary session from MinIO's STS AssumeRole, cached the way login caches it.
sessions() {
  if [[ $target == moto ]]; then
    for role in uploader viewer; do node "$cli" login --role "$role" >/dev/null 2>&1 || die "login $role failed"; done
    return
  fi
  local creds
  creds=$($AWS --endpoint-url "$endpoint" sts assume-role --role-arn arn:minio:iam:::role/bench \
    --role-session-name bench --duration-seconds 43200 --output json) || die "MinIO STS AssumeRole failed"
  CREDS=$creds CACHE_MODULE="$dist/core/session/cache.js" node --input-type=module -e '
    const { SessionCache } = await import(process.env.CACHE_MODULE);
    import { dirname, join } from "node:path";
    const c = JSON.parse(process.env.CREDS).Credentials;
    const cache = new SessionCache(join(dirname(process.env.STRONGBOX_CONFIG), "sessions"));
    for (const role of ["uploader", "viewer"]) await cache.write({
      role, roleArn: `arn:aws:iam::123456789012:role/bench-${role}`, assumedRoleArn: "arn:minio:bench",
      baseIdentityArn: "arn:minio:benchadmin", sourceIdentity: "bench", mfaAuthenticated: false,
      createdAt: new Date(), credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken, expiration: new Date(c.Expiration) } });' || die "could not cache the MinIO session"
}
sessions

make_file() { head -c $(($2 * 1024 * 1024)) /dev/urandom >"$1"; }
now() { date +%s.%N; }
strongbox_args=()
download_args=()
[[ -n ${PART_SIZE:-} ]] && strongbox_args+=(--part-size "$PART_SIZE")
[[ -n ${CONCURRENCY:-} ]] && strongbox_args+=(--concurrency "$CONCURRENCY") && download_args+=(--concurrency "$CONCURRENCY")

# time_best LABEL CMD...: best wall time of RUNS runs, in seconds.
time_best() {
  local best= t0 t1 s
  for _ in $(seq 1 "$RUNS"); do
    t0=$(now)
    "$@" >/dev/null 2>"$tmp/last.err" || { cat "$tmp/last.err" >&2; die "failed: $*"; }
    t1=$(now)
    s=$(echo "$t1 - $t0" | bc -l)
    if [[ -z $best ]] || (($(echo "$s < $best" | bc -l))); then best=$s; fi
  done
  printf '%.2f' "$best"
}

echo "# strongbox bench on $target ($endpoint), $(nproc) cores, node $(node --version), $($AWS --version 2>&1 | cut -d' ' -f1)"

if [[ $mode == sweep ]]; then
  make_file "$tmp/sweep.bin" "$SIZE_MIB"
  echo "# strongbox upload of $SIZE_MIB MiB: seconds (MiB/s), best of $RUNS"
  printf '%-10s' "part\\conc"
  for c in ${CONCURRENCIES:-4 8 16}; do printf '%16s' "$c"; done
  echo
  for p in ${PART_SIZES:-8MiB 16MiB 32MiB 64MiB}; do
    printf '%-10s' "$p"
    for c in ${CONCURRENCIES:-4 8 16}; do
      s=$(time_best node "$cli" upload "$tmp/sweep.bin" --key sweep.bin --role uploader --part-size "$p" --concurrency "$c")
      printf '%16s' "$s ($(echo "$SIZE_MIB / $s" | bc))"
    done
    echo
  done
  exit 0
fi

# 1. Same file, same server: strongbox upload vs aws s3 cp.
make_file "$tmp/cmp.bin" "$SIZE_MIB"
sb=$(time_best node "$cli" upload "$tmp/cmp.bin" --key bench/strongbox.bin --role uploader "${strongbox_args[@]}")
aws=$(time_best $AWS --endpoint-url "$endpoint" s3 cp --only-show-errors "$tmp/cmp.bin" "s3://$BUCKET/bench/awscli.bin")
rate() { echo "$SIZE_MIB / $1" | bc; }
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }
echo "upload $SIZE_MIB MiB (best of $RUNS): strongbox ${sb}s ($(rate "$sb") MiB/s) [${strongbox_args[*]:-defaults: 16 MiB parts, 8 in flight, SHA-256 per part}]"
echo "  aws s3 cp                        ${aws}s ($(rate "$aws") MiB/s) [defaults: 8 MiB chunks, 10 requests, no checksum]"
echo "  ratio strongbox/aws = $(ratio "$sb" "$aws") (time; < 1 means strongbox is faster)"
# (Debian's awscli 2.9 has no --checksum-algorithm for s3 cp: it sends no checksum at all, strongbox a SHA-256 per part.)

# 2. 1 GiB up and down through pre-signed URLs: peak RSS and identical bytes.
make_file "$tmp/big.bin" "$RSS_MIB"
/usr/bin/time -v node "$cli" upload "$tmp/big.bin" --key bench/big.bin --role uploader "${strongbox_args[@]}" \
  >/dev/null 2>"$tmp/up.time" || { cat "$tmp/up.time" >&2; die "1 GiB upload failed"; }
/usr/bin/time -v node "$cli" download bench/big.bin --out "$tmp/big.down" --role viewer "${download_args[@]}" \
  >/dev/null 2>"$tmp/down.time" || { cat "$tmp/down.time" >&2; die "1 GiB download failed"; }
rss() { awk -F': ' '/Maximum resident set size/ {printf "%d", $2/1024}' "$1"; }
wall() { awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$1"; }
same=$([[ $(sha256sum <"$tmp/big.bin") == "$(sha256sum <"$tmp/big.down")" ]] && echo "bytes identical (sha256)" || echo "BYTES DIFFER")
echo "$RSS_MIB MiB: upload $(wall "$tmp/up.time") peak RSS $(rss "$tmp/up.time") MiB;" \
  "download $(wall "$tmp/down.time") peak RSS $(rss "$tmp/down.time") MiB; $same"
[[ $same == "bytes identical (sha256)" ]]
