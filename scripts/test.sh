#!/usr/bin/env bash
# `npm test`: every test of Strongbox. Installs what it needs (idempotently),
# then runs: lint and types, unit tests, Terraform checks (fmt, validate, the
# module tests, the provider schema, checkov) on OpenTofu and on HashiCorp
# Terraform, the local stack round trip on moto with each engine, and the
# integration tests (CLI, transfers, access contract, MinIO strict lane) in the
# middle of OpenTofu's, then prowler's scan of that stack. Terraform's checks run in a background lane beside the
# rest. Every check runs even when an earlier one failed; the last line counts them.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
cd "$STRONGBOX_ROOT"

bash scripts/bootstrap.sh || die "bootstrap failed"

results="$STRONGBOX_ROOT/.strongbox/test"
rm -rf "$results"
mkdir -p "$results"
source scripts/lib/checks.sh
source scripts/lib/terraform-checks.sh
trap 'moto_stop "$results/stack"; moto_stop "$results/stack-terraform"' EXIT

lane_start terraform engine_lane terraform

check "biome (lint + format)" biome check .
check "typescript (tsc --noEmit)" tsc -p tsconfig.json --noEmit
# The page's own check: DOM types only, so any Node-only import in the core
# modules it shares (part planning, retry policy, limiter, resume) fails here.
check "typescript of the page (no Node-only imports)" tsc -p tsconfig.page.json
vitest_check "unit tests" unit

tofu_version=$(engine_version tofu)
engine_offline_checks tofu check
check "provider schema has every aws_* type infra/ uses" schema_check
check "schema check fails on a type from a trimmed-away service" schema_check_catches_a_trimmed_service
check "checkov over infra/ (zero failures)" checkov_scan
check "module README's inputs and outputs match its .tf files" \
  "$STRONGBOX_VENV/bin/python3" scripts/lib/module-docs.py infra/modules/strongbox

# The local stack by OpenTofu: moto, apply, a clean second plan, the integration
# tests, destroy, nothing left.
export TF_ENGINE=tofu
port=$(free_port)
# The port the stack's CORS rule admits for the page (not 8787: `npm start` may hold it).
STRONGBOX_UI_PORT=$(free_port)
export STRONGBOX_UI_PORT
endpoint="http://127.0.0.1:$port"
stack="$results/stack"
step "moto server on $endpoint"
moto_start "$stack" "$port"
moto_wait "$stack" "$port"
step_done
if check "tofu $tofu_version apply infra/envs/local to moto" stack_apply "$stack" "$endpoint" && [[ -f $stack/outputs.json ]]; then
  check "tofu $tofu_version second plan shows no changes" stack_second_plan "$stack" "$endpoint"
  check "CLI configuration written from terraform outputs" stack_write_env "$stack" "$endpoint"
  # dist/ was built by the bootstrap; the tests run that very binary.
  export STRONGBOX_TEST_STACK_DIR="$stack" STRONGBOX_TEST_ENDPOINT="$endpoint" STRONGBOX_TEST_CLI="$STRONGBOX_ROOT/dist/cli/main.js"
  vitest_check "integration tests (moto stack, MinIO lane, access contract)" integration
  # The page in Debian's Chromium, against this stack and the MinIO lane; screenshots in .strongbox/test/browser.
  vitest_check "browser tests (Chromium: local stack, MinIO lane)" browser
  # After the tests, on the stack as they leave it: an outside scanner's view.
  check "prowler (s3 cloudtrail kms cloudwatch sns): no failure outside test/prowler/known-failures.tsv" \
    python3 scripts/lib/prowler-scan.py "$STRONGBOX_PROWLER_VENV/bin/prowler" "$endpoint" "$results/prowler" \
    test/prowler/known-failures.tsv
  check "tofu $tofu_version destroy" stack_destroy "$stack" "$endpoint"
  check "tofu $tofu_version destroy leaves nothing behind" "$STRONGBOX_VENV/bin/python3" scripts/lib/leftovers.py "$endpoint"
fi
moto_stop "$stack"

lane_collect terraform

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "strongbox: $passed passed, $failed failed"
((failed == 0))
