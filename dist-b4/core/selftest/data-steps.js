import { randomBytes } from "node:crypto";
import { DeleteObjectCommand, HeadObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, } from "@aws-sdk/client-s3";
import { objectStep, prefixOf, roleStep } from "./env.js";
import { presigned, refusedBy, s3For } from "./request.js";
import { fail, pass, skipped } from "./runner.js";
/** The data path: an object written, encrypted, versioned, read, listed, deleted and cleaned up. */
const keyIdOf = (arnOrId) => arnOrId?.split("/").pop();
export const uploadStep = roleStep("uploader puts an object", "the Uploader role can write through a pre-signed PUT (bucket-default SSE-KMS, no SSE headers)", "uploader", async (env, session) => {
    const key = `${prefixOf(env)}hello.txt`;
    const body = Buffer.concat([Buffer.from("strongbox selftest\n"), randomBytes(32)]);
    const response = await presigned(env, session, "PUT", key, { body });
    env.state.key = key;
    env.state.body = body;
    const versionId = response.headers["x-amz-version-id"];
    if (versionId !== undefined)
        env.state.versionId = versionId;
    return pass(`uploaded ${body.length} bytes to ${key}`);
});
export const readSteps = [
    objectStep("upload encrypted with the deployment's key", "S3 stored the object with SSE-KMS under the module's customer key", "admin", async (env, session, uploaded) => {
        const head = await s3For(env, session).send(new HeadObjectCommand({ Bucket: env.config.bucket, Key: uploaded.key }));
        if (head.ServerSideEncryption !== "aws:kms") {
            return fail(`object encryption is ${head.ServerSideEncryption ?? "none"}, not aws:kms`);
        }
        if (keyIdOf(head.SSEKMSKeyId) !== keyIdOf(env.config.kmsKeyArn)) {
            return fail(`object encrypted with key ${head.SSEKMSKeyId ?? "(none)"}, not ${env.config.kmsKeyArn}`);
        }
        return pass(`aws:kms with ${head.SSEKMSKeyId}${head.BucketKeyEnabled ? " (bucket key)" : ""}`);
    }),
    objectStep("a version appears", "versioning is on: the upload created a version id", "admin", async (env, session, uploaded) => {
        const listed = await s3For(env, session).send(new ListObjectVersionsCommand({ Bucket: env.config.bucket, Prefix: uploaded.key }));
        const versions = (listed.Versions ?? []).filter((v) => v.Key === uploaded.key);
        const real = versions.filter((v) => v.VersionId !== undefined && v.VersionId !== "null");
        if (real.length === 0)
            return fail("no version id: versioning is not enabled on the bucket");
        const put = env.state.versionId;
        if (put !== undefined && !real.some((v) => v.VersionId === put)) {
            return fail(`the PUT's version ${put} is not listed`);
        }
        return pass(`version ${real[0]?.VersionId}`);
    }),
    objectStep("viewer gets the object", "the Viewer role can read through a pre-signed GET (KMS Decrypt via S3)", "viewer", async (env, session, uploaded) => {
        const response = await presigned(env, session, "GET", uploaded.key);
        if (!response.body.equals(uploaded.body))
            return fail("GET returned different bytes");
        return pass(`read back ${response.body.length} identical bytes`);
    }),
    objectStep("viewer lists the bucket", "the Viewer role can list", "viewer", async (env, session, uploaded) => {
        const listed = await s3For(env, session).send(new ListObjectsV2Command({ Bucket: env.config.bucket, Prefix: prefixOf(env) }));
        return (listed.Contents ?? []).some((o) => o.Key === uploaded.key)
            ? pass(`listed ${listed.KeyCount ?? 0} object(s) under ${prefixOf(env)}`)
            : fail("the uploaded object is not listed");
    }),
];
export const deleteStep = objectStep("admin deletes (delete marker)", "the Admin role can delete; versioning keeps the data behind a delete marker", "admin", async (env, session, uploaded) => {
    const out = await s3For(env, session).send(new DeleteObjectCommand({ Bucket: env.config.bucket, Key: uploaded.key }));
    return out.DeleteMarker
        ? pass(`delete marker ${out.VersionId ?? ""}`.trim())
        : fail("DeleteObject did not create a delete marker");
});
export const cleanUpStep = roleStep("clean up", "the selftest's objects are removed (permanent delete needs MFA in the admin session)", "admin", async (env, session) => {
    const client = s3For(env, session);
    const listed = await client.send(new ListObjectVersionsCommand({ Bucket: env.config.bucket, Prefix: prefixOf(env) }));
    const entries = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])];
    let removed = 0;
    let refused = 0;
    for (const entry of entries) {
        if (entry.Key === undefined || entry.VersionId === undefined)
            continue;
        try {
            await client.send(new DeleteObjectCommand({
                Bucket: env.config.bucket,
                Key: entry.Key,
                VersionId: entry.VersionId,
            }));
            removed++;
        }
        catch (err) {
            if (!refusedBy(err))
                throw err;
            refused++;
        }
    }
    if (refused > 0) {
        return skipped(`left ${refused} version(s) under ${prefixOf(env)}: permanent delete was refused (it needs a fresh MFA in the admin session: \`strongbox login --role admin\` with a new code); the lifecycle rule expires them`);
    }
    return pass(`removed ${removed} version(s) and delete marker(s)`);
});
