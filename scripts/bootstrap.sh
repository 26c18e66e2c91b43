#!/usr/bin/env bash
# Installs everything Strongbox's local stack and tests need, idempotently:
# npm packages, a Python venv (moto server, checkov), and Go-built tools
# (OpenTofu, the hashicorp/aws provider, MinIO) cached outside the repository.
# prowler in a venv of its own, and AWS's event-ruler jars (through Maven).
# Usage: scripts/bootstrap.sh [node] [python] [tofu] [provider] [minio] [prowler] [eventruler]   (default: all)
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

mkdir -p "$STRONGBOX_BIN" "$STRONGBOX_CACHE/logs" "$STRONGBOX_CACHE/src" "$STRONGBOX_CACHE/locks"

# One lock per part: two bootstraps (say, `npm start` and `npm test` on a fresh
# machine) never build the same tool twice, yet one waiting for MinIO does not
# hold up another that only needs tofu.
locked() {
  local part=$1
  shift
  (
    flock 9
    "$@"
  ) 9>"$STRONGBOX_CACHE/locks/$part.lock"
}

parts=("$@")
selected() {
  [[ ${#parts[@]} -eq 0 ]] && return 0
  local p
  for p in "${parts[@]}"; do [[ $p == "$1" ]] && return 0; done
  return 1
}

# Copies a Go module's source out of the read-only module cache and prints the copy's path.
module_source() {
  local module=$1 version=$2 name=$3 dir
  dir=$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$STRONGBOX_CACHE/src/$name"
  cp -r "$dir" "$STRONGBOX_CACHE/src/$name"
  chmod -R u+w "$STRONGBOX_CACHE/src/$name"
  printf '%s\n' "$STRONGBOX_CACHE/src/$name"
}

# go_build NAME OUTPUT MODULE VERSION PACKAGE [LDFLAGS]: builds once, logs to the cache.
go_build() {
  local name=$1 output=$2 module=$3 version=$4 package=$5 ldflags=${6:-}
  local log="$STRONGBOX_CACHE/logs/$name-$version.log" src
  if [[ -x $output ]]; then
    step "$name $version: cached"
    step_done "$output"
    return
  fi
  step "$name $version: building from the Go module (log: $log)"
  src=$(module_source "$module" "$version" "$name")
  mkdir -p "$(dirname "$output")"
  # GOGC=400 trades memory (24 GiB here) for compile speed: a cold tofu build took
  # 254 s against 300 s with the default 100, on an idle 2-core machine.
  if ! (cd "$src" && GOGC="${GOGC:-400}" go build -trimpath -ldflags="-s -w $ldflags" -o "$output.partial" "$package") >"$log" 2>&1; then
    tail -20 "$log" >&2
    die "building $name failed; the full log is $log"
  fi
  mv "$output.partial" "$output"
  rm -rf "$src"
  step_done "$output"
}

install_node() {
  step "npm packages"
  if [[ ! -d $STRONGBOX_ROOT/node_modules/.bin || $STRONGBOX_ROOT/package-lock.json -nt $STRONGBOX_ROOT/node_modules/.package-lock.json ]]; then
    (cd "$STRONGBOX_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  (cd "$STRONGBOX_ROOT" && npm run --silent build)
  step_done
}

install_python() {
  step "Python venv: moto[server] $MOTO_VERSION, checkov $CHECKOV_VERSION"
  local marker="$STRONGBOX_VENV/.strongbox-$MOTO_VERSION-$CHECKOV_VERSION"
  if [[ ! -f $marker ]]; then
    rm -rf "$STRONGBOX_VENV"
    python3 -m venv "$STRONGBOX_VENV"
    "$STRONGBOX_VENV/bin/pip" install --quiet --disable-pip-version-check \
      "moto[server]==$MOTO_VERSION" "checkov==$CHECKOV_VERSION"
    touch "$marker"
  fi
  step_done
}

install_tofu() {
  go_build tofu "$STRONGBOX_BIN/tofu-$TOFU_VERSION" github.com/opentofu/opentofu "$TOFU_VERSION" ./cmd/tofu \
    "-X github.com/opentofu/opentofu/version.dev=no"
  ln -sf "tofu-$TOFU_VERSION" "$STRONGBOX_BIN/tofu"
}

install_provider() {
  # An unpacked filesystem mirror, answering for both registries' names so the
  # module's `hashicorp/aws` resolves the same under tofu and terraform.
  for registry in registry.opentofu.org registry.terraform.io; do
    local dir="$PROVIDER_MIRROR/$registry/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64"
    mkdir -p "$dir"
  done
  local built="$STRONGBOX_BIN/terraform-provider-aws-$AWS_PROVIDER_MODULE_VERSION"
  go_build aws-provider "$built" github.com/hashicorp/terraform-provider-aws "$AWS_PROVIDER_MODULE_VERSION" .
  for registry in registry.opentofu.org registry.terraform.io; do
    ln -sf "$built" "$PROVIDER_MIRROR/$registry/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64/terraform-provider-aws_v$AWS_PROVIDER_VERSION"
  done
  cat >"$TF_CLI_CONFIG_FILE" <<TOFURC
provider_installation {
  filesystem_mirror {
    path    = "$PROVIDER_MIRROR"
    include = ["registry.opentofu.org/hashicorp/aws", "registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.opentofu.org/hashicorp/aws", "registry.terraform.io/hashicorp/aws"]
  }
}
TOFURC
}

install_minio() {
  go_build minio "$STRONGBOX_BIN/minio-$MINIO_VERSION" github.com/minio/minio "$MINIO_VERSION" .
  ln -sf "minio-$MINIO_VERSION" "$STRONGBOX_BIN/minio"
}

install_prowler() {
  step "prowler $PROWLER_VERSION (own venv: its pinned dependencies clash with checkov's)"
  local marker="$STRONGBOX_PROWLER_VENV/.strongbox-$PROWLER_VERSION"
  if [[ ! -f $marker ]]; then
    rm -rf "$STRONGBOX_PROWLER_VENV"
    python3 -m venv "$STRONGBOX_PROWLER_VENV"
    "$STRONGBOX_PROWLER_VENV/bin/pip" install --quiet --disable-pip-version-check "prowler==$PROWLER_VERSION"
    touch "$marker"
  fi
  step_done
}

install_eventruler() {
  step "event-ruler $EVENT_RULER_VERSION and its dependencies (Maven Central)"
  local marker="$STRONGBOX_EVENT_RULER_LIB/.complete"
  if [[ ! -f $marker ]]; then
    command -v mvn >/dev/null || die "mvn is needed to fetch event-ruler (apt-get install maven)"
    rm -rf "$STRONGBOX_EVENT_RULER_LIB"
    mvn --batch-mode --quiet -f "$STRONGBOX_ROOT/scripts/lib/event-ruler/pom.xml" \
      -Devent-ruler.version="$EVENT_RULER_VERSION" -DoutputDirectory="$STRONGBOX_EVENT_RULER_LIB" \
      dependency:copy-dependencies -DincludeScope=runtime
    touch "$marker"
  fi
  step_done
}

for part in node python tofu provider minio prowler eventruler; do
  if selected "$part"; then locked "$part" "install_$part"; fi
done
