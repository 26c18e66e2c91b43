#!/usr/bin/env bash
# Applies infra/envs/local to a running moto server, proves a second plan is
# empty, destroys, and proves nothing is left behind.
# Usage: infra/tests/local-roundtrip.sh ENDPOINT STATE_DIR [NAME_PREFIX]
#   ENDPOINT     moto server URL, e.g. http://127.0.0.1:4600
#   STATE_DIR    scratch directory for state and .terraform (created if missing)
#   NAME_PREFIX  default strongbox-roundtrip, so it never collides with `npm start`'s stack
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: $0 ENDPOINT STATE_DIR [NAME_PREFIX]" >&2; exit 2; }
endpoint=$1
state_dir=$2
name_prefix=${3:-strongbox-roundtrip}

source "$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/lib/common.sh"
env_dir="$STRONGBOX_ROOT/infra/envs/local"
mkdir -p "$state_dir"
state_dir=$(cd "$state_dir" && pwd)
export TF_DATA_DIR="$state_dir/.terraform"
export TF_INPUT=0
vars=(-var "endpoint=$endpoint" -var "name_prefix=$name_prefix")
tf() { tofu -chdir="$env_dir" "$@"; }

step "roundtrip: init (state in $state_dir)"
tf init -backend-config="path=$state_dir/terraform.tfstate" -reconfigure >"$state_dir/init.log" 2>&1 ||
  { cat "$state_dir/init.log" >&2; die "tofu init failed"; }
step_done

step "roundtrip: apply to $endpoint"
tf apply -auto-approve "${vars[@]}" >"$state_dir/apply.log" 2>&1 ||
  { tail -40 "$state_dir/apply.log" >&2; die "tofu apply failed (log: $state_dir/apply.log)"; }
step_done "$(grep -Eo 'Apply complete!.*' "$state_dir/apply.log")"

step "roundtrip: second plan must show no changes"
set +e
tf plan -detailed-exitcode "${vars[@]}" >"$state_dir/plan.log" 2>&1
plan_rc=$?
set -e
if [[ $plan_rc -ne 0 ]]; then
  cat "$state_dir/plan.log" >&2
  tf destroy -auto-approve "${vars[@]}" >"$state_dir/destroy.log" 2>&1 || true
  die "second plan exited $plan_rc (0 = no changes; 2 = changes; 1 = error)"
fi
step_done "no changes"

step "roundtrip: destroy"
tf destroy -auto-approve "${vars[@]}" >"$state_dir/destroy.log" 2>&1 ||
  { tail -40 "$state_dir/destroy.log" >&2; die "tofu destroy failed (log: $state_dir/destroy.log)"; }
step_done "$(grep -Eo 'Destroy complete!.*' "$state_dir/destroy.log")"

step "roundtrip: nothing left behind"
left=$(tf state list)
[[ -z $left ]] || die "state still lists resources after destroy:"$'\n'"$left"
# Ask the emulator itself: no bucket, role, user or alias of this prefix may remain,
# and the key must be pending deletion (KMS never deletes a key at once).
"$STRONGBOX_VENV/bin/python" - "$endpoint" "$name_prefix" <<'PY'
import sys
import boto3

endpoint, prefix = sys.argv[1], sys.argv[2]
session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
s3, iam, kms = (session.client(s, endpoint_url=endpoint) for s in ("s3", "iam", "kms"))
left = []
left += [f"bucket {b['Name']}" for b in s3.list_buckets().get("Buckets", []) if b["Name"].startswith(prefix + "-")]
left += [f"role {r['RoleName']}" for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix + "-")]
left += [f"user {u['UserName']}" for u in iam.list_users()["Users"] if u["UserName"].startswith(prefix + "-")]
left += [f"alias {a['AliasName']}" for a in kms.list_aliases()["Aliases"] if a["AliasName"] == f"alias/{prefix}"]
for key in kms.list_keys()["Keys"]:
    meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
    if meta.get("Description", "").startswith(f"Strongbox {prefix}:") and meta["KeyState"] != "PendingDeletion":
        left.append(f"key {meta['Arn']} ({meta['KeyState']})")
if left:
    sys.exit("left behind after destroy: " + ", ".join(left))
PY
step_done "state empty; no bucket, role, user, alias or live key of $name_prefix"
