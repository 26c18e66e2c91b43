import { otherKeyArnIn, partitionOf } from "../arn.js";
import type { Role } from "../roles.js";
import type { RoleSession } from "../session/types.js";
import {
  EMULATOR_GAPS,
  isOutcome,
  needsUpload,
  prefixOf,
  type SelftestEnv,
  sessionOr,
  type Uploaded,
} from "./env.js";
import { bucketFor, presigned, refusedBy } from "./request.js";
import { fail, pass, type SelftestStep, type StepOutcome, skipped } from "./runner.js";

/**
 * What the deployed policies must refuse: one row per request, run by one
 * loop. Only IAM and bucket policies can refuse these, so every row is skipped
 * on the emulator, which enforces neither.
 */
export type Refusal = {
  name: string;
  proves: string;
  role: Role;
  /** The request in words, for its result: "PUT by the viewer". */
  request: string;
} & (
  | {
      onUpload?: false;
      /** Makes the request; a refusal throws (S3RequestError 403 or an SDK AccessDenied). */
      send(env: SelftestEnv, session: RoleSession): Promise<unknown>;
    }
  | {
      /** The row acts on the object the upload step stored (skipped without it). */
      onUpload: true;
      send(env: SelftestEnv, session: RoleSession, uploaded: Uploaded): Promise<unknown>;
    }
);

const refusedBody = () => Buffer.from("no");

/** Another key of the deployment's account and region, which the bucket policy must refuse. */
function otherKeyArn(env: SelftestEnv): string {
  const { kmsKeyArn } = env.config;
  const [, , , region = "", account = ""] = kmsKeyArn.split(":");
  return otherKeyArnIn(partitionOf(kmsKeyArn), region, account);
}

export const REFUSALS: readonly Refusal[] = [
  {
    name: "viewer refused: put",
    proves: "the Viewer role cannot write",
    role: "viewer",
    request: "PUT by the viewer",
    send: (env, session) =>
      presigned(env, session, "PUT", `${prefixOf(env)}viewer.txt`, { body: refusedBody() }),
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
    send: (env, session, uploaded) => bucketFor(env, session).delete(uploaded.key),
  },
  {
    name: "uploader refused: write naming another KMS key",
    proves: "the bucket policy denies writes that name another key",
    role: "uploader",
    request: "PUT naming another key",
    send: (env, session) =>
      presigned(env, session, "PUT", `${prefixOf(env)}other-key.txt`, {
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
    send: (env, session, uploaded) =>
      presigned(env, session, "GET", uploaded.key, { plainHttp: true }),
  },
  {
    name: "admin refused: change bucket settings",
    proves:
      "bucket configuration is Terraform's alone (PutBucketVersioning with the current setting)",
    role: "admin",
    request: "PutBucketVersioning by the admin",
    send: (env, session) => bucketFor(env, session).putVersioningEnabled(),
  },
];

/** Passes when the request is refused; any other error is the step's failure. */
export async function expectRefused(request: string, send: () => Promise<unknown>) {
  try {
    await send();
  } catch (err) {
    if (refusedBy(err)) return pass(`${request} was refused (403 AccessDenied)`);
    throw err;
  }
  return fail(`${request} was ALLOWED: the deployed policies do not match the access contract`);
}

async function runRefusal(row: Refusal, env: SelftestEnv): Promise<StepOutcome> {
  if (env.emulator) return skipped(EMULATOR_GAPS.iam);
  const session = sessionOr(env, row.role);
  if (isOutcome(session)) return session;
  if (!row.onUpload) return expectRefused(row.request, () => row.send(env, session));
  const uploaded = needsUpload(env);
  if (isOutcome(uploaded)) return uploaded;
  return expectRefused(row.request, () => row.send(env, session, uploaded));
}

export function refusalSteps(rows: readonly Refusal[] = REFUSALS): SelftestStep<SelftestEnv>[] {
  return rows.map((row) => ({
    name: row.name,
    proves: row.proves,
    run: (env) => runRefusal(row, env),
  }));
}
