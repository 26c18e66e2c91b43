#!/usr/bin/env bash
# Installs everything Strongbox's local stack and tests need, idempotently:
# npm packages, a Python venv (moto server, checkov), and Go-built tools
# (OpenTofu, the hashicorp/aws provider, MinIO, toxiproxy) cached outside the repository,
# prowler in a venv of its own, AWS's event-ruler jars (through Maven), and
# Debian's Chromium for the page's browser tests.
# Usage: scripts/bootstrap.sh [node] [python] [prowler] [eventruler] [engine] [tofu] [terraform]
#   [provider] [minio] [toxiproxy] [chromium]
#   (default: all). `engine` is the one engine `npm start` needs (one already on
#   PATH when there is one); `tofu` and `terraform` are both, for `npm test`.
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

# npm packages and the CLI build, each redone only when its inputs changed. The
# markers are written last, so an interrupted install or build is redone.
install_node() {
  step "npm packages and the CLI build"
  local root=$STRONGBOX_ROOT lock_sum build_sum
  lock_sum=$(sha256sum <"$root/package-lock.json" | cut -c1-64)
  if [[ $(cat "$root/node_modules/.strongbox-installed" 2>/dev/null) != "$lock_sum" ]]; then
    (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
    printf '%s\n' "$lock_sum" >"$root/node_modules/.strongbox-installed"
  fi
  build_sum=$(cd "$root" && find src package.json package-lock.json tsconfig*.json vite.config.ts scripts/bundle.mjs -type f -print0 | sort -z |
    xargs -0 sha256sum | sha256sum | cut -c1-64)
  if [[ $(cat "$root/dist/.strongbox-built" 2>/dev/null) != "$build_sum" ]]; then
    rm -f "$root/dist/.strongbox-built"
    (cd "$root" && npm run --silent build)
    printf '%s\n' "$build_sum" >"$root/dist/.strongbox-built"
  fi
  step_done
}

# venv_install VENV TAG REQUIREMENT...: a venv holding exactly these pins, made
# anew unless its marker (written last) says it already does.
venv_install() {
  local venv=$1 tag=$2
  shift 2
  [[ -f $venv/.strongbox-$tag ]] && return 0
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "$@"
  touch "$venv/.strongbox-$tag"
}

install_python() {
  step "Python venv: moto[server] $MOTO_VERSION, checkov $CHECKOV_VERSION"
  venv_install "$STRONGBOX_VENV" "$MOTO_VERSION-$CHECKOV_VERSION" "moto[server]==$MOTO_VERSION" "checkov==$CHECKOV_VERSION"
  step_done
}

install_tofu() {
  go_build tofu "$STRONGBOX_BIN/tofu-$TOFU_VERSION" github.com/opentofu/opentofu "$TOFU_VERSION" ./cmd/tofu \
    "-X github.com/opentofu/opentofu/version.dev=no"
  ln -sf "tofu-$TOFU_VERSION" "$STRONGBOX_BIN/tofu"
}

# HashiCorp Terraform: the one on PATH when there is one; built from its Go module otherwise.
install_terraform() {
  if engine_usable terraform; then
    step "terraform $(engine_version terraform): on PATH at $(command -v terraform)"
    step_done
    return
  fi
  go_build terraform "$STRONGBOX_BIN/terraform-$TERRAFORM_VERSION" github.com/hashicorp/terraform "$TERRAFORM_VERSION" . \
    "-X github.com/hashicorp/terraform/version.dev=no"
  ln -sf "terraform-$TERRAFORM_VERSION" "$STRONGBOX_BIN/terraform"
}

# The engine `npm start` drives: STRONGBOX_ENGINE if set, else tofu or terraform
# already on PATH at a version the module accepts, else OpenTofu built here.
install_engine() {
  local engine
  engine=$(pick_engine) || {
    locked tofu install_tofu
    engine=tofu
  }
  step "engine: $engine $(engine_version "$engine") ($(engine_origin "$engine"))"
  step_done
  printf '%s\n' "$engine" >"$STRONGBOX_CACHE/engine"
}

provider_file="terraform-provider-aws_v$AWS_PROVIDER_VERSION"

# One try at the ordinary install: the engine's own `init` against the public
# registry, pinned to the same version as the local build. Fails within seconds
# when the registry can't be reached.
provider_from_registry() {
  local engine=$1 out=$2 dir
  curl -fsS --max-time 5 -o /dev/null "https://registry.terraform.io/.well-known/terraform.json" 2>/dev/null || return 1
  dir=$(mktemp -d)
  printf 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "%s" }\n  }\n}\n' \
    "$AWS_PROVIDER_VERSION" >"$dir/main.tf"
  if ! TF_CLI_CONFIG_FILE=/dev/null timeout 600 "$engine" -chdir="$dir" init -input=false -backend=false -no-color \
    >"$STRONGBOX_CACHE/logs/provider-registry.log" 2>&1; then
    rm -rf "$dir"
    return 1
  fi
  mkdir -p "$(dirname "$out")"
  cp "$(find "$dir/.terraform/providers" -name "terraform-provider-aws_*" -type f | head -1)" "$out.partial"
  mv "$out.partial" "$out"
  rm -rf "$dir"
}

# The services the module needs (derived from the resource types in infra/),
# read through a type → service map made once from the provider's source.
provider_services() {
  local map="$STRONGBOX_CACHE/provider-types-$AWS_PROVIDER_MODULE_VERSION.json" dir
  if [[ ! -f $map ]]; then
    dir=$(go mod download -json "github.com/hashicorp/terraform-provider-aws@$AWS_PROVIDER_MODULE_VERSION" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    python3 "$STRONGBOX_ROOT/scripts/lib/provider-trim.py" type-map "$dir" "$map.partial" && mv "$map.partial" "$map"
  fi
  python3 "$STRONGBOX_ROOT/scripts/lib/provider-trim.py" services "$map" "$STRONGBOX_ROOT/infra"
}

# The hashicorp/aws provider, served to both engines from a filesystem mirror:
#   1. the public registry's build, if an earlier run got it;
#   2. a local build cut down to the module's services (STRONGBOX_PROVIDER_BUILD=full
#      builds every service instead), if one is cached for today's service list;
#   3. else one try at the public registry; 4. else the local build.
install_provider() {
  local registry_copy="$STRONGBOX_CACHE/provider-registry/$AWS_PROVIDER_VERSION/$provider_file"
  local chosen services tag engine
  step "hashicorp/aws $AWS_PROVIDER_VERSION"
  if [[ -x $registry_copy ]]; then
    chosen=$registry_copy
    step_done "from the public registry, cached"
  else
    if [[ ${STRONGBOX_PROVIDER_BUILD:-trimmed} == full ]]; then
      services="" tag=full
    else
      services=$(provider_services) || die "cannot tell which provider services infra/ needs"
      tag="trim-$(printf '%s\n' "$services" | sha256sum | cut -c1-10)"
    fi
    chosen="$STRONGBOX_BIN/terraform-provider-aws-$AWS_PROVIDER_MODULE_VERSION-$tag"
    if [[ -x $chosen ]]; then
      step_done "local build ($tag), cached"
    else
      engine=$(pick_engine || true)
      if [[ -n $engine ]] && provider_from_registry "$engine" "$registry_copy"; then
        chosen=$registry_copy
        step_done "from the public registry through $engine init"
      else
        step_done "the public registry can't be reached: building it from its Go module"
        provider_build "$chosen" "$tag" $services
      fi
    fi
  fi
  for registry in registry.opentofu.org registry.terraform.io; do
    local dir="$PROVIDER_MIRROR/$registry/hashicorp/aws/$AWS_PROVIDER_VERSION/linux_amd64"
    mkdir -p "$dir"
    ln -sfn "$chosen" "$dir/$provider_file"
  done
  cat >"$TF_CLI_CONFIG_FILE.partial" <<TOFURC
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
  mv "$TF_CLI_CONFIG_FILE.partial" "$TF_CLI_CONFIG_FILE"
}

# provider_build OUTPUT TAG [SERVICE...]: the provider from its Go module; with
# services, its two generated registration files are cut down to them first.
provider_build() {
  local output=$1 tag=$2
  shift 2
  local log="$STRONGBOX_CACHE/logs/aws-provider-$tag.log" src
  step "hashicorp/aws $AWS_PROVIDER_VERSION: building ${*:-every service} (log: $log)"
  src=$(module_source github.com/hashicorp/terraform-provider-aws "$AWS_PROVIDER_MODULE_VERSION" aws-provider)
  if (($# > 0)) && ! python3 "$STRONGBOX_ROOT/scripts/lib/provider-trim.py" trim "$src" "$@" >"$log" 2>&1; then
    tail -20 "$log" >&2
    die "cutting the provider down to $* failed; the full log is $log"
  fi
  if ! (cd "$src" && GOGC="${GOGC:-400}" go build -trimpath -ldflags="-s -w" -o "$output.partial" .) >>"$log" 2>&1; then
    tail -20 "$log" >&2
    die "building the AWS provider failed; the full log is $log"
  fi
  mv "$output.partial" "$output"
  rm -rf "$src"
  step_done "$output"
}

install_minio() {
  go_build minio "$STRONGBOX_BIN/minio-$MINIO_VERSION" github.com/minio/minio "$MINIO_VERSION" .
  ln -sf "minio-$MINIO_VERSION" "$STRONGBOX_BIN/minio"
}

# Shopify's toxiproxy: the fault-injecting TCP proxy the fault-table tests put
# between the CLI and MinIO (resets, stalls, slow links, refused connections).
install_toxiproxy() {
  go_build toxiproxy "$STRONGBOX_BIN/toxiproxy-server-$TOXIPROXY_VERSION" github.com/Shopify/toxiproxy/v2 "$TOXIPROXY_VERSION" ./cmd/server \
    "-X github.com/Shopify/toxiproxy/v2.Version=${TOXIPROXY_VERSION#v}"
  ln -sf "toxiproxy-server-$TOXIPROXY_VERSION" "$STRONGBOX_BIN/toxiproxy-server"
}

# apt_install PACKAGE: a Debian package this bootstrap needs (as root; else says what to run).
# One at a time: two parts of this bootstrap may need apt at once.
apt_install() {
  [[ $(id -u) -eq 0 ]] || die "$1 is missing: run \`sudo apt-get install -y $1\`"
  (
    flock 8
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
  ) 8>"$STRONGBOX_CACHE/locks/apt.lock" || die "apt-get install $1 failed"
}

# Debian's Chromium for the page's browser tests (playwright-core drives it; no
# browser is ever downloaded). An existing chromium is used as it is.
install_chromium() {
  step "Chromium (Debian package)"
  local found
  found=$(command -v chromium || command -v chromium-browser || true)
  if [[ -z $found ]]; then
    apt_install chromium
    found=$(command -v chromium)
  fi
  step_done "$found"
}

install_prowler() {
  step "prowler $PROWLER_VERSION (own venv: its pinned dependencies clash with checkov's)"
  venv_install "$STRONGBOX_PROWLER_VENV" "$PROWLER_VERSION" "prowler==$PROWLER_VERSION"
  step_done
}

install_eventruler() {
  step "event-ruler $EVENT_RULER_VERSION and its dependencies (Maven Central)"
  local marker="$STRONGBOX_EVENT_RULER_LIB/.complete"
  if [[ ! -f $marker ]]; then
    command -v mvn >/dev/null || apt_install maven
    rm -rf "$STRONGBOX_EVENT_RULER_LIB"
    mvn --batch-mode --quiet -f "$STRONGBOX_ROOT/scripts/lib/event-ruler/pom.xml" \
      -Devent-ruler.version="$EVENT_RULER_VERSION" -DoutputDirectory="$STRONGBOX_EVENT_RULER_LIB" \
      dependency:copy-dependencies -DincludeScope=runtime
    touch "$marker"
  fi
  step_done
}

# The npm, Python, prowler and event-ruler installs wait mostly on downloads:
# they run beside the Go builds, which keep both cores busy. Their output is
# shown when they finish.
background=()
for part in node python prowler eventruler; do
  if selected "$part"; then
    locked "$part" "install_$part" >"$STRONGBOX_CACHE/logs/bootstrap-$part.log" 2>&1 &
    background+=("$part:$!")
  fi
done
for part in engine tofu terraform provider minio toxiproxy chromium; do
  if selected "$part"; then locked "$part" "install_$part"; fi
done
for job in "${background[@]}"; do
  if wait "${job#*:}"; then
    cat "$STRONGBOX_CACHE/logs/bootstrap-${job%%:*}.log" >&2
  else
    cat "$STRONGBOX_CACHE/logs/bootstrap-${job%%:*}.log" >&2
    die "installing ${job%%:*} failed"
  fi
done
