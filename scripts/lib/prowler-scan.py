"""Runs prowler's S3, CloudTrail, KMS, CloudWatch and SNS checks against the
local stack and compares its failures with test/prowler/known-failures.tsv.

Usage: prowler-scan.py PROWLER ENDPOINT OUTPUT_DIR KNOWN_FAILURES_TSV

Exit 0 when every failure is listed (with its reason); 1 when prowler reports
a failure the list does not hold, or produced no findings at all. Listed
failures that no longer occur are named, so the list can shrink.
"""
import glob
import json
import os
import subprocess
import sys
import time

prowler, endpoint, output_dir, known_path = sys.argv[1:5]

known = {}
for line in open(known_path, encoding="utf-8"):
    if not line.strip() or line.startswith("#"):
        continue
    check, resource, reason = line.rstrip("\n").split("\t", 2)
    if not reason.strip():
        sys.exit(f"{known_path}: {check} {resource} has no reason")
    known[(check, resource)] = reason

env = dict(
    os.environ,
    AWS_ENDPOINT_URL=endpoint,
    AWS_ACCESS_KEY_ID="test",
    AWS_SECRET_ACCESS_KEY="test",
    AWS_DEFAULT_REGION="us-east-1",
)
env.pop("AWS_PROFILE", None)
os.makedirs(output_dir, exist_ok=True)
started = time.monotonic()
# Exit code 3 means "some check failed": the list below decides what that means.
run = subprocess.run(
    [prowler, "aws", "--services", "s3", "cloudtrail", "kms", "cloudwatch", "sns", "-f", "us-east-1",
     "-M", "json-ocsf", "-o", output_dir, "--no-banner"],
    env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
)
elapsed = time.monotonic() - started
with open(os.path.join(output_dir, "prowler.log"), "w", encoding="utf-8") as log:
    log.write(run.stdout)
reports = sorted(glob.glob(os.path.join(output_dir, "*.ocsf.json")))
if run.returncode not in (0, 3) or not reports:
    print(run.stdout[-3000:], file=sys.stderr)
    sys.exit(f"prowler exited {run.returncode} without findings")

findings = json.load(open(reports[-1], encoding="utf-8"))
failed = set()
for f in findings:
    if f.get("status_code") != "FAIL":
        continue
    resource = (f.get("resources") or [{}])[0]
    failed.add((f["metadata"]["event_code"], resource.get("uid") or resource.get("name") or "?", f.get("status_detail", "")))
passed = sum(1 for f in findings if f.get("status_code") == "PASS")

new = sorted(x for x in failed if (x[0], x[1]) not in known)
gone = sorted(k for k in known if k not in {(c, r) for c, r, _ in failed})
print(f"  prowler: {len(findings)} findings, {passed} passed, {len(failed)} failed "
      f"({len(failed) - len(new)} listed, {len(new)} new) in {elapsed:.0f} s")
for check, resource, detail in new:
    print(f"  NEW FAILURE {check} {resource}: {detail}")
for check, resource in gone:
    print(f"  listed but no longer failing (remove from {os.path.basename(known_path)}): {check} {resource}")
sys.exit(1 if new else 0)
