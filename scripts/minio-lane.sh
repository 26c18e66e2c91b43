#!/usr/bin/env bash
# The strict S3 lane: a MinIO server (built by `scripts/bootstrap.sh minio`) that
# checks SigV4 signatures, pre-signed URL expiry and policies for real.
#
#   scripts/minio-lane.sh start DIR   start MinIO on 127.0.0.1:$STRONGBOX_MINIO_PORT (default 9100),
#                                     data in DIR/data, random root credentials, bucket
#                                     "strongbox-strict" with versioning; writes DIR/lane.env
#   scripts/minio-lane.sh stop DIR    stop it (the data stays in DIR until you remove it)
#   scripts/minio-lane.sh restart DIR stop it and start it again on the same port, data and
#                                     root credentials (role sessions stay valid): a server restart
#
# DIR/lane.env (mode 0600) holds STRONGBOX_MINIO_ENDPOINT, STRONGBOX_MINIO_BUCKET,
# STRONGBOX_MINIO_ROOT_USER and STRONGBOX_MINIO_ROOT_PASSWORD. The three roles are
# not MinIO users: like AWS roles they are STS sessions (MinIO's AssumeRole with an
# inline session policy holding the role's S3 statements), made by the tests
# through test/integration/support/minio.ts.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() { die "usage: $0 start|stop|restart DIR"; }
[[ $# -eq 2 ]] || usage
command=$1
dir=$2
bucket=strongbox-strict

minio_stop() {
  [[ -f $dir/minio.pid ]] || return 0
  local pid
  pid=$(cat "$dir/minio.pid")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/minio.pid"
}

# s3 METHOD PATH [BODY]: one request signed by the root user (curl's SigV4).
# Retried: a MinIO that just reported ready can still answer 503 for a moment on a busy machine.
s3() {
  local method=$1 path=$2 body=${3:-}
  local hash
  hash=$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)
  curl -fsS --retry 10 --retry-delay 1 -X "$method" --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$STRONGBOX_MINIO_ROOT_USER:$STRONGBOX_MINIO_ROOT_PASSWORD" \
    -H "x-amz-content-sha256: $hash" ${body:+--data-binary "$body"} \
    "$STRONGBOX_MINIO_ENDPOINT$path" >/dev/null
}

# minio_launch PORT: runs MinIO on DIR with the root credentials in the environment; waits until ready.
minio_launch() {
  local port=$1 binary="$STRONGBOX_BIN/minio"
  MINIO_ROOT_USER=$STRONGBOX_MINIO_ROOT_USER MINIO_ROOT_PASSWORD=$STRONGBOX_MINIO_ROOT_PASSWORD \
    MINIO_BROWSER=off MINIO_UPDATE=off MINIO_REGION=us-east-1 \
    nohup "$binary" server --quiet --address "127.0.0.1:$port" "$dir/data" >>"$dir/minio.log" 2>&1 &
  echo $! >"$dir/minio.pid"
  local ready=0
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$port/minio/health/ready" >/dev/null 2>&1; then
      ready=1
      break
    fi
    kill -0 "$(cat "$dir/minio.pid")" 2>/dev/null || { tail -20 "$dir/minio.log" >&2; die "MinIO exited"; }
    sleep 0.2
  done
  ((ready)) || { minio_stop; die "MinIO did not become ready within 30s (log: $dir/minio.log)"; }
}

minio_restart() {
  [[ -f $dir/lane.env ]] || die "no lane in $dir to restart"
  set -a
  source "$dir/lane.env"
  set +a
  minio_stop
  minio_launch "${STRONGBOX_MINIO_ENDPOINT##*:}"
}

minio_start() {
  local port=${STRONGBOX_MINIO_PORT:-9100}
  local binary="$STRONGBOX_BIN/minio"
  [[ -x $binary ]] || die "MinIO is not built: run \`bash scripts/bootstrap.sh minio\` ($binary missing)"
  mkdir -p "$dir/data"
  chmod 700 "$dir"
  if curl -fsS "http://127.0.0.1:$port/minio/health/live" >/dev/null 2>&1; then
    die "port $port already answers; stop the other server or set STRONGBOX_MINIO_PORT"
  fi
  STRONGBOX_MINIO_ENDPOINT="http://127.0.0.1:$port"
  STRONGBOX_MINIO_ROOT_USER="root$(openssl rand -hex 8)"
  STRONGBOX_MINIO_ROOT_PASSWORD=$(openssl rand -hex 24)
  (
    umask 077
    cat >"$dir/lane.env" <<ENV
STRONGBOX_MINIO_ENDPOINT=$STRONGBOX_MINIO_ENDPOINT
STRONGBOX_MINIO_BUCKET=$bucket
STRONGBOX_MINIO_ROOT_USER=$STRONGBOX_MINIO_ROOT_USER
STRONGBOX_MINIO_ROOT_PASSWORD=$STRONGBOX_MINIO_ROOT_PASSWORD
ENV
  )
  : >"$dir/minio.log"
  minio_launch "$port"
  s3 PUT "/$bucket" ||
    { minio_stop; die "could not create bucket $bucket"; }
  s3 PUT "/$bucket?versioning=" \
    '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>' ||
    { minio_stop; die "could not enable versioning on $bucket"; }
  printf 'minio lane ready: %s bucket %s (env: %s)\n' "$STRONGBOX_MINIO_ENDPOINT" "$bucket" "$dir/lane.env"
}

case $command in
  start) minio_start ;;
  stop) minio_stop ;;
  restart) minio_restart ;;
  *) usage ;;
esac
