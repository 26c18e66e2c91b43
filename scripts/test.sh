#!/usr/bin/env bash
# `npm test`: every test of Strongbox. Installs what it needs (idempotently),
# then runs: lint and types, unit tests, Terraform checks (fmt, validate, the
# module tests, the provider schema, checkov) on OpenTofu and on HashiCorp
# Terraform, the local stack round trip on moto with each engine, the
# integration tests (CLI, transfers, access contract, MinIO strict lane, fault
# table) and the browser tests on OpenTofu's stack, then prowler's scan of it.
# Every check runs even when an earlier one failed; the last line counts them.
#
# What waits runs beside what computes (lanes, scripts/lib/checks.sh): the stack
# is applied while npm installs; lint, types, unit tests, the MinIO lane,
# OpenTofu's offline checks and the stack's lifecycle rules run beside the
# stack's integration tests, prowler beside the browser tests, and Terraform's
# every check from start to end.
set -uo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/stack.sh"
cd "$STRONGBOX_ROOT"

# The engines, the provider and moto first: the lanes that need only them start
# while the rest installs.
bash scripts/bootstrap.sh python tofu terraform provider || die "bootstrap failed"

results="$STRONGBOX_ROOT/.strongbox/test"
rm -rf "$results"
mkdir -p "$results"
source scripts/lib/checks.sh
source scripts/lib/terraform-checks.sh
stack="$results/stack"
trap 'moto_stop "$stack"; moto_stop "$results/stack-terraform"' EXIT

tofu_version=$(engine_version tofu)
export TF_ENGINE=tofu
endpoint="http://127.0.0.1:$(free_port)"
# The port the stack's CORS rule admits for the page (not 8787: `npm start` may hold it).
STRONGBOX_UI_PORT=$(free_port)
export STRONGBOX_UI_PORT

# OpenTofu's offline checks (lane "offline"): fmt, validate, the module tests, the
# provider schema, checkov, the module README's generated tables.
tofu_offline_lane() {
  engine_offline_checks tofu lane_check offline
  lane_check offline "provider schema has every aws_* type infra/ uses" schema_check
  lane_check offline "schema check fails on a type from a trimmed-away service" schema_check_catches_a_trimmed_service
  lane_check offline "checkov over infra/ (zero failures)" checkov_scan
  lane_check offline "module README's inputs and outputs match its .tf files" \
    "$STRONGBOX_VENV/bin/python3" scripts/lib/module-docs.py infra/modules/strongbox
}

lane_start terraform engine_lane terraform
lane_start stack stack_lane_up "$stack" "$endpoint"

bash scripts/bootstrap.sh || die "bootstrap failed"

# Lint, types and unit tests (lane "static"): they compute while the integration tests mostly wait.
static_lane() {
  lane_check static "biome (lint + format)" biome check .
  lane_check static "typescript (tsc --noEmit)" tsc -p tsconfig.json --noEmit
  # The page's own check: DOM types only, so any Node-only import in the core
  # modules it shares (part planning, retry policy, limiter, resume) fails here.
  lane_check static "typescript of the page (no Node-only imports)" tsc -p tsconfig.page.json
  lane_vitest static "unit tests" unit
}
lane_start static static_lane
# The MinIO lane (strict S3, the fault table, the lock race) needs no stack: it
# starts now, beside the unit tests and the stack's tests.
lane_start minio lane_vitest minio "integration tests on MinIO (strict S3, fault table, time, lock race)" integration-minio

lane_collect stack
lane_start offline tofu_offline_lane
if [[ -f $stack/outputs.json ]] && check "CLI configuration written from terraform outputs" stack_write_env "$stack" "$endpoint"; then
  lane_start stack-rules stack_lane_rules "$stack" "$endpoint"
  # dist/ was built by the bootstrap; the tests run that very binary.
  export STRONGBOX_TEST_STACK_DIR="$stack" STRONGBOX_TEST_ENDPOINT="$endpoint" STRONGBOX_TEST_CLI="$STRONGBOX_ROOT/dist/bundle/main.js"
  vitest_check "integration tests on the moto stack (CLI, transfers, access contract, monitoring)" integration
  lane_collect stack-rules
  # After the tests (some change the bucket policy for a while), on the stack as
  # they leave it: an outside scanner's view, beside the page in Debian's
  # Chromium (screenshots in .strongbox/test/browser).
  lane_start prowler lane_check prowler \
    "prowler (s3 cloudtrail kms cloudwatch sns): no failure outside test/prowler/known-failures.tsv" \
    python3 scripts/lib/prowler-scan.py "$STRONGBOX_PROWLER_VENV/bin/prowler" "$endpoint" "$results/prowler" \
    test/prowler/known-failures.tsv
  vitest_check "browser tests (Chromium: local stack, MinIO lane)" browser
  lane_collect prowler
fi
if [[ -f $stack/outputs.json ]]; then
  check "tofu $tofu_version destroy" stack_destroy "$stack" "$endpoint"
  check "tofu $tofu_version destroy leaves nothing behind" "$STRONGBOX_VENV/bin/python3" scripts/lib/leftovers.py "$endpoint"
fi
moto_stop "$stack"

lane_collect static
lane_collect minio
lane_collect offline
lane_collect terraform

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "strongbox: $passed passed, $failed failed"
((failed == 0))
