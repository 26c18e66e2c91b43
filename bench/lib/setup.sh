# The benchmarks' common ground: the CLI to measure, a fresh MinIO on a free port, a role
# session for Strongbox, the data files and the reference objects every download reads.
# Sourced by bench/run.sh and bench/profile.sh after scripts/lib/common.sh, with repo and
# SCENARIOS set (and LARGE_MIB, MID_MIB, SMALL_FILES, SMALL_KIB). Do not run it.

AWS=/usr/bin/aws # Debian's awscli v2 (apt-get install -y awscli), never a pyenv shim

cleanup() {
  [[ -z ${toxiproxy_pid:-} ]] || kill "$toxiproxy_pid" 2>/dev/null || true
  bash "$repo/scripts/minio-lane.sh" stop "$work/minio" >/dev/null 2>&1 || true
  [[ ${KEEP:-0} == 1 ]] || rm -rf "$work/data" "$work/out" "$work/minio"
}

# --- data ------------------------------------------------------------------------------
make_file() { [[ -f $1 && $(stat -c %s "$1") -eq $(($2 * 1048576)) ]] || head -c $(($2 * 1048576)) /dev/urandom >"$1"; }
make_small() {
  local dir=$data/small
  [[ -d $dir && $(find "$dir" -type f | wc -l) -eq $SMALL_FILES ]] && return 0
  rm -rf "$dir"
  python3 - "$dir" "$SMALL_FILES" "$SMALL_KIB" <<'PY'
import os, sys
root, count, kib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(count):  # ten folders of files, so a prefix download rebuilds a tree
    d = os.path.join(root, f"d{i % 10}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05d}.bin"), "wb") as f:
        f.write(os.urandom(kib * 1024))
PY
}
path_of() { case $1 in large) echo "$data/large.bin" ;; mid) echo "$data/mid.bin" ;; small) echo "$data/small" ;; esac; }
bytes_of() { case $1 in large) echo $((LARGE_MIB * 1048576)) ;; mid) echo $((MID_MIB * 1048576)) ;; small) echo $((SMALL_FILES * SMALL_KIB * 1024)) ;; esac; }

# strongbox_args DIR SCENARIO KEY OUT FLAG... → sets the array `sargs`, the CLI's arguments for
# one transfer: the scenario's data up to KEY, or its reference object down into the folder OUT.
strongbox_args() {
  local dir=$1 scen=$2 key=$3 out=$4 src
  shift 4
  src=$(path_of "$scen")
  if [[ $dir == up ]]; then
    if [[ $scen == small ]]; then sargs=(upload "$src" --prefix "$key/" --role uploader "$@")
    else sargs=(upload "$src" --key "$key" --role uploader "$@"); fi
  elif [[ $scen == small ]]; then sargs=(download "bench/ref/$scen/" --out "$out/" --role viewer "$@")
  else sargs=(download "bench/ref/$scen" --out "$out/$scen.bin" --role viewer "$@"); fi
}

# Before each timed run, not timed: the page cache's dirty pages written out (`sync`) and MinIO
# back at rest (its CPU over 0.25 s below a fifth of a core, or 10 s passed; idle, it uses ~6 %),
# so that no run pays for the write-back or the clean-up (deleted versions) of the one before.
quiet_ticks=$(($(getconf CLK_TCK) / 20)) # a fifth of a core for a quarter second
server_ticks() { awk '{print $14 + $15}' "/proc/$(cat "$work/minio/minio.pid")/stat"; } # MinIO's CPU so far (user + system)
settle() {
  sync
  local before after
  for _ in $(seq 1 40); do
    before=$(server_ticks)
    sleep 0.25
    after=$(server_ticks)
    ((after - before <= quiet_ticks)) && return 0
  done
}

# bench_cli: sets cli (the bundle to measure) and dist.
bench_cli() {
  # STRONGBOX_CLI: a built CLI to measure instead of building dist/ (e.g. a second build
  # while another run still uses dist/).
  if [[ -n ${STRONGBOX_CLI:-} ]]; then
    cli=$STRONGBOX_CLI
  else
    cli="$repo/dist/bundle/main.js"
    (cd "$repo" && npm run build >/dev/null) || die "npm run build failed"
  fi
  dist=$(dirname "$(dirname "$cli")")
}

# bench_server: sets work, endpoint, bucket, data; exports the credentials; leaves a
# trap that stops the server (and removes the data unless KEEP=1).
bench_server() {
  work=${BENCH_DIR:-$(mktemp -d /tmp/strongbox-bench.XXXXXX)}
  mkdir -p "$work"
  trap cleanup EXIT

  # --- the server: the repo's MinIO lane on a free port, data on this disk ---------------
  # MinIO frees deleted objects from its trash every 5 minutes by default; each round
  # replaces 16 GiB of 2 GiB objects, which filled the disk before the trash was emptied.
  export MINIO_API_DELETE_CLEANUP_INTERVAL=${MINIO_API_DELETE_CLEANUP_INTERVAL:-10s}
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # A fresh server each time: a BENCH_DIR kept from an earlier run (KEEP=1) reuses its data files only.
  rm -rf "$work/minio"
  STRONGBOX_MINIO_PORT=$port bash "$repo/scripts/minio-lane.sh" start "$work/minio" >&2
  # shellcheck disable=SC1091
  source "$work/minio/lane.env"
  endpoint=$STRONGBOX_MINIO_ENDPOINT
  bucket=$STRONGBOX_MINIO_BUCKET
  ((${LATENCY_MS:-0} == 0)) || bench_latency "$LATENCY_MS"
  export AWS_ACCESS_KEY_ID=$STRONGBOX_MINIO_ROOT_USER AWS_SECRET_ACCESS_KEY=$STRONGBOX_MINIO_ROOT_PASSWORD
  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  # Loopback HTTP needs no CA bundle (and rclone's SDK refuses its transport with one set).
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CA_BUNDLE
  export AWS_SHARED_CREDENTIALS_FILE=/dev/null
  export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Minio \
    RCLONE_CONFIG_BENCH_ENDPOINT=$endpoint RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID \
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY RCLONE_CONFIG_BENCH_REGION=us-east-1

  # Strongbox signs with a role session, as in production: MinIO's STS AssumeRole gives
  # real temporary credentials, cached where `strongbox login` caches them.
  # Its own state folder: sessions of an earlier run (another MinIO) are never found.
  export STRONGBOX_CONFIG="$work/strongbox/config.json" STRONGBOX_STATE_DIR="$work/strongbox/state"
  mkdir -p "$work/strongbox"
  cat >"$STRONGBOX_CONFIG" <<JSON
{ "version": 1, "region": "us-east-1", "bucket": "$bucket",
  "kmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/bench",
  "roles": { "uploader": "arn:aws:iam::123456789012:role/bench-uploader",
             "viewer": "arn:aws:iam::123456789012:role/bench-viewer",
             "admin": "arn:aws:iam::123456789012:role/bench-admin" },
  "adminMfaRequired": false, "maxSessionSeconds": 43200,
  "endpoint": "$endpoint", "forcePathStyle": true }
JSON
  creds=$(AWS_CONFIG_FILE=/dev/null $AWS --endpoint-url "$endpoint" sts assume-role \
    --role-arn arn:minio:iam:::role/bench --role-session-name bench --duration-seconds 43200 \
    --output json) || die "MinIO STS AssumeRole failed"
  CREDS=$creds DIST="$dist" node --input-type=module -e '
    const { SessionCache } = await import(`${process.env.DIST}/core/session/cache.js`);
    const { sessionsDirFor } = await import(`${process.env.DIST}/core/config.js`);
    const { homedir } = await import("node:os");
    const c = JSON.parse(process.env.CREDS).Credentials;
    const cache = new SessionCache(sessionsDirFor(process.env.STRONGBOX_CONFIG, process.env, homedir()));
    for (const role of ["uploader", "viewer"]) await cache.write({
      role, roleArn: `arn:aws:iam::123456789012:role/bench-${role}`, assumedRoleArn: "arn:minio:bench",
      baseIdentityArn: "arn:minio:bench", sourceIdentity: "bench", mfaAuthenticated: false,
      createdAt: new Date(), credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken, expiration: new Date(c.Expiration) } });' ||
    die "could not cache the MinIO session"

  data="$work/data"
  mkdir -p "$data" "$work/out"
}

# bench_latency MS: every tool reaches MinIO through toxiproxy, which holds each chunk MS
# milliseconds in each direction (a round trip of 2 × MS), as S3 is never a loopback away;
# sets endpoint to the proxy. MinIO's own CPU is still measured by `settle`.
bench_latency() {
  local ms=$1 api proxy
  [[ -x $STRONGBOX_BIN/toxiproxy-server ]] || bash "$repo/scripts/bootstrap.sh" toxiproxy >&2
  api=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  proxy=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$STRONGBOX_BIN/toxiproxy-server" -host 127.0.0.1 -port "$api" >"$work/toxiproxy.log" 2>&1 &
  toxiproxy_pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$api/version" >/dev/null && break; sleep 0.1; done
  curl -sf -X POST "http://127.0.0.1:$api/proxies" \
    -d "{\"name\":\"minio\",\"listen\":\"127.0.0.1:$proxy\",\"upstream\":\"${endpoint#http://}\"}" >/dev/null ||
    die "toxiproxy did not start (see $work/toxiproxy.log)"
  for stream in upstream downstream; do
    curl -sf -X POST "http://127.0.0.1:$api/proxies/minio/toxics" \
      -d "{\"name\":\"latency_$stream\",\"type\":\"latency\",\"stream\":\"$stream\",\"attributes\":{\"latency\":$ms}}" >/dev/null ||
      die "could not add toxiproxy's latency"
  done
  endpoint="http://127.0.0.1:$proxy"
  echo "bench: MinIO behind ${ms} ms each way (toxiproxy): $endpoint" >&2
}

# bench_data: the files of $SCENARIOS, and their reference objects uploaded by Strongbox.
bench_data() {
  for s in $SCENARIOS; do
    case $s in
      large) make_file "$data/large.bin" "$LARGE_MIB" ;;
      mid) make_file "$data/mid.bin" "$MID_MIB" ;;
      small) make_small ;;
      *) die "unknown scenario $s" ;;
    esac
  done
  # Reference objects that every tool downloads: uploaded once by strongbox (composite SHA-256).
  for s in $SCENARIOS; do
    strongbox_args up "$s" "bench/ref/$s" ""
    node "$cli" "${sargs[@]}" >/dev/null
  done
}
