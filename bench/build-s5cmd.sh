#!/usr/bin/env bash
# Builds s5cmd (a benchmark peer) from its Go module and caches the binary in
# $STRONGBOX_BIN (~/.cache/strongbox/bin/s5cmd). Idempotent: a cached binary of
# the pinned version is kept.
#
# The module zip ships a vendor/ folder without the vendored sources, so
# `go install …@v2.3.0` fails; the build runs in a copy of the module folder
# with vendor/ removed and -mod=mod (dependencies from the Go module proxy).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib/common.sh"

S5CMD_MODULE=github.com/peak/s5cmd/v2
S5CMD_VERSION=v2.3.0
binary="$STRONGBOX_BIN/s5cmd"
stamp="$binary.version"

if [[ -x $binary && $(cat "$stamp" 2>/dev/null) == "$S5CMD_VERSION" ]]; then
  echo "s5cmd $S5CMD_VERSION: cached at $binary"
  exit 0
fi
command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$STRONGBOX_BIN" "$STRONGBOX_CACHE/locks"
exec 9>"$STRONGBOX_CACHE/locks/s5cmd.lock"
flock 9
step "s5cmd $S5CMD_VERSION (go mod download + build)"
dir=$(cd "$(mktemp -d)" && go mod download -json "$S5CMD_MODULE@$S5CMD_VERSION" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
[[ -d $dir ]] || die "go mod download gave no folder for $S5CMD_MODULE@$S5CMD_VERSION"
work=$(mktemp -d /tmp/s5cmd-build.XXXXXX)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$dir/." "$work/"
chmod -R u+w "$work"
rm -rf "$work/vendor"
(cd "$work" && GOFLAGS=-mod=mod GOGC=${GOGC:-400} go build -trimpath -ldflags "-s -w -X github.com/peak/s5cmd/v2/version.Version=$S5CMD_VERSION" -o "$binary.tmp" .)
mv "$binary.tmp" "$binary"
echo "$S5CMD_VERSION" >"$stamp"
step_done "$("$binary" version 2>/dev/null || echo built)"
