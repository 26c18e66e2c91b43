import { DeleteObjectCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { EMULATOR_GAPS, isOutcome, needsUpload, prefixOf, sessionOr, } from "./env.js";
import { presigned, refusedBy, s3For } from "./request.js";
import { fail, pass, skipped } from "./runner.js";
const refusedBody = () => Buffer.from("no");
/** Another key of the deployment's account and region, which the bucket policy must refuse. */
function otherKeyArn(env) {
    const [, , , region, account] = env.config.kmsKeyArn.split(":");
    return `arn:aws:kms:${region}:${account}:key/00000000-1111-2222-3333-444444444444`;
}
export const REFUSALS = [
    {
        name: "viewer refused: put",
        proves: "the Viewer role cannot write",
        role: "viewer",
        request: "PUT by the viewer",
        send: (env, session) => presigned(env, session, "PUT", `${prefixOf(env)}viewer.txt`, { body: refusedBody() }),
    },
    {
        name: "uploader refused: get",
        proves: "the Uploader role cannot read",
        role: "uploader",
        request: "GET by the uploader",
        onUpload: true,
        send: (env, session, uploaded) => presigned(env, session, "GET", uploaded.key),
    },
    {
        name: "uploader refused: delete",
        proves: "the Uploader role cannot delete",
        role: "uploader",
        request: "DeleteObject by the uploader",
        onUpload: true,
        send: (env, session, uploaded) => s3For(env, session).send(new DeleteObjectCommand({ Bucket: env.config.bucket, Key: uploaded.key })),
    },
    {
        name: "uploader refused: write naming another KMS key",
        proves: "the bucket policy denies writes that name another key",
        role: "uploader",
        request: "PUT naming another key",
        send: (env, session) => presigned(env, session, "PUT", `${prefixOf(env)}other-key.txt`, {
            body: refusedBody(),
            headers: {
                "x-amz-server-side-encryption": "aws:kms",
                "x-amz-server-side-encryption-aws-kms-key-id": otherKeyArn(env),
            },
        }),
    },
    {
        name: "plain HTTP refused",
        proves: "the bucket policy denies requests without TLS",
        role: "viewer",
        request: "GET over http://",
        onUpload: true,
        send: (env, session, uploaded) => presigned(env, session, "GET", uploaded.key, { plainHttp: true }),
    },
    {
        name: "admin refused: change bucket settings",
        proves: "bucket configuration is Terraform's alone (PutBucketVersioning with the current setting)",
        role: "admin",
        request: "PutBucketVersioning by the admin",
        send: (env, session) => s3For(env, session).send(
        // The setting the module already applies: harmless if it were allowed.
        new PutBucketVersioningCommand({
            Bucket: env.config.bucket,
            VersioningConfiguration: { Status: "Enabled" },
        })),
    },
];
/** Passes when the request is refused; any other error is the step's failure. */
export async function expectRefused(request, send) {
    try {
        await send();
    }
    catch (err) {
        if (refusedBy(err))
            return pass(`${request} was refused (403 AccessDenied)`);
        throw err;
    }
    return fail(`${request} was ALLOWED: the deployed policies do not match the access contract`);
}
async function runRefusal(row, env) {
    if (env.emulator)
        return skipped(EMULATOR_GAPS.iam);
    const session = sessionOr(env, row.role);
    if (isOutcome(session))
        return session;
    if (!row.onUpload)
        return expectRefused(row.request, () => row.send(env, session));
    const uploaded = needsUpload(env);
    if (isOutcome(uploaded))
        return uploaded;
    return expectRefused(row.request, () => row.send(env, session, uploaded));
}
export function refusalSteps(rows = REFUSALS) {
    return rows.map((row) => ({
        name: row.name,
        proves: row.proves,
        run: (env) => runRefusal(row, env),
    }));
}
