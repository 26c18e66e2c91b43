# Shared by the bootstrap, start and test scripts: where the cached toolchain
# lives and how each step reports itself. Source it; do not run it.

STRONGBOX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STRONGBOX_CACHE="${STRONGBOX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/strongbox}"
STRONGBOX_BIN="$STRONGBOX_CACHE/bin"
STRONGBOX_VENV="$STRONGBOX_CACHE/venv"
export STRONGBOX_ROOT STRONGBOX_CACHE STRONGBOX_BIN STRONGBOX_VENV

# Pinned toolchain. The AWS provider's v2+ tags do not match its module path,
# so it is pinned by pseudo-version (commit 5f2286d6d836, CHANGELOG 6.48.0).
TOFU_VERSION="v1.10.10"
TERRAFORM_VERSION="v1.11.4" # built only when no `terraform` is on PATH
AWS_PROVIDER_MODULE_VERSION="v1.60.1-0.20260602190131-5f2286d6d836"
AWS_PROVIDER_VERSION="6.48.0"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
TOXIPROXY_VERSION="v2.12.0" # the fault-injecting proxy of the fault table (test/integration/faults)
MOTO_VERSION="5.2.5"
CHECKOV_VERSION="3.3.30"
# prowler (PyPI) scans the local stack; its own venv, it pins dependencies of its own.
PROWLER_VERSION="5.46.0"
STRONGBOX_PROWLER_VENV="$STRONGBOX_CACHE/prowler-venv"
# AWS's EventBridge pattern matcher (Maven Central), run by test/support/EventRulerMatch.java.
EVENT_RULER_VERSION="1.8.1"
STRONGBOX_EVENT_RULER_LIB="$STRONGBOX_CACHE/event-ruler-$EVENT_RULER_VERSION"
export STRONGBOX_PROWLER_VENV STRONGBOX_EVENT_RULER_LIB
# The oldest engine the module accepts (infra/modules/strongbox/versions.tf).
ENGINE_MIN_VERSION="1.6.0"

PROVIDER_MIRROR="$STRONGBOX_CACHE/provider-mirror"
export TF_CLI_CONFIG_FILE="$STRONGBOX_CACHE/tofurc"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1
export PATH="$STRONGBOX_BIN:$STRONGBOX_VENV/bin:$STRONGBOX_ROOT/node_modules/.bin:$PATH"

step_started=0
step() {
  step_started=$(date +%s)
  printf '==> %s\n' "$*" >&2
}
step_done() {
  printf '    done in %ss%s\n' "$(($(date +%s) - step_started))" "${1:+ ($1)}" >&2
}
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# engine_version ENGINE: prints the version of `tofu` or `terraform` (e.g. 1.11.4), or nothing.
engine_version() {
  "$1" version -json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["terraform_version"])' 2>/dev/null
}

# version_at_least A B: true when version A >= B.
version_at_least() {
  [[ $(printf '%s\n%s\n' "$2" "$1" | sort -V | head -1) == "$2" ]]
}

# engine_usable ENGINE: true when ENGINE is on PATH at a version the module accepts.
engine_usable() {
  local v
  command -v "$1" >/dev/null 2>&1 || return 1
  v=$(engine_version "$1")
  [[ -n $v ]] && version_at_least "$v" "$ENGINE_MIN_VERSION"
}

# pick_engine: prints the engine to drive (`tofu` or `terraform`): STRONGBOX_ENGINE
# when set, else the first of tofu, terraform that the user has on PATH at a
# version the module accepts, else one this bootstrap built earlier.
pick_engine() {
  if [[ -n ${STRONGBOX_ENGINE:-} ]]; then
    engine_usable "$STRONGBOX_ENGINE" ||
      die "STRONGBOX_ENGINE=$STRONGBOX_ENGINE: not on PATH at version $ENGINE_MIN_VERSION or later"
    printf '%s\n' "$STRONGBOX_ENGINE"
    return 0
  fi
  local engine
  for engine in tofu terraform; do
    if [[ $(command -v "$engine") != "$STRONGBOX_BIN"/* ]] && engine_usable "$engine"; then
      printf '%s\n' "$engine"
      return 0
    fi
  done
  for engine in tofu terraform; do
    if engine_usable "$engine"; then
      printf '%s\n' "$engine"
      return 0
    fi
  done
  return 1
}

# engine_origin ENGINE: where ENGINE comes from, for the record.
engine_origin() {
  local path
  path=$(command -v "$1")
  if [[ $path == "$STRONGBOX_BIN"/* ]]; then
    printf 'built from its Go module, cached in %s' "$STRONGBOX_BIN"
  elif [[ -n ${STRONGBOX_ENGINE:-} ]]; then
    printf 'STRONGBOX_ENGINE=%s, %s' "$STRONGBOX_ENGINE" "$path"
  else
    printf 'found on PATH at %s' "$path"
  fi
}
