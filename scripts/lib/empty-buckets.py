"""Deletes every object version, delete marker and multipart upload in the
local stack's buckets, before `tofu destroy`.

The provider's force_destroy lists versions with encoding-type=url, and moto
5.2.5 encodes a space as '+', so a key holding '+' or a space is never deleted
and destroy loops on BucketNotEmpty. boto3 lists without that encoding.
"""
import sys

import boto3

endpoint = sys.argv[1]
s3 = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1").client(
    "s3", endpoint_url=endpoint
)
removed = 0
for bucket in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
    for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
        s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        versions = page.get("Versions", []) + page.get("DeleteMarkers", [])
        if not versions:
            continue
        # DeleteObjects, as the provider does: moto applies the log buckets'
        # conditional Deny statements to a single DeleteObject and refuses it.
        result = s3.delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions], "Quiet": True},
            # The trail log bucket holds its versions under Object Lock (governance).
            BypassGovernanceRetention=True,
        )
        for error in result.get("Errors", []):
            print(f"could not delete {error['Key']!r} from {bucket}: {error['Code']}", file=sys.stderr)
        removed += len(versions) - len(result.get("Errors", []))
print(f"removed {removed} object versions")
