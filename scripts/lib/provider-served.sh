# provider_served DATA_DIR COMMAND...: COMMAND with one AWS provider process
# serving every plan and apply in it, through the engines' reattach protocol
# (TF_REATTACH_PROVIDERS, the one provider developers debug with). `test` would
# otherwise start the 113 MB provider three or four times per run block; the
# module tests ran at about twice the CPU time. The provider is the binary the
# engine installed in DATA_DIR; without one, COMMAND runs as usual.
provider_served() {
  local data=$1
  shift
  local bin out pid reattach status
  bin=$(find -L "$data/providers" -type f -name 'terraform-provider-aws*' 2>/dev/null | head -1)
  [[ -n $bin ]] || { "$@"; return; }
  out=$(mktemp)
  "$bin" -debug >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    grep -q "TF_REATTACH_PROVIDERS=" "$out" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  # The address it prints is the provider's Terraform registry name; OpenTofu asks for its own.
  reattach=$(sed -n "s/.*TF_REATTACH_PROVIDERS='\(.*\)'.*/\1/p" "$out" | head -1 | python3 -c '
import json, sys
served = next(iter(json.load(sys.stdin).values()))
print(json.dumps({f"registry.{r}/hashicorp/aws": served for r in ("terraform.io", "opentofu.org")}))')
  if [[ -n $reattach ]]; then
    TF_REATTACH_PROVIDERS=$reattach "$@"
  else
    echo "the AWS provider did not start in debug mode (output: $(head -c 400 "$out")); running without it" >&2
    "$@"
  fi
  status=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -f "$out"
  return $status
}
