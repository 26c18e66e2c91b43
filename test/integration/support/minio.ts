import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { s3GrantsOf } from "../../../src/core/access/contract.js";
import type { PolicyDocument, PolicyStatement } from "../../../src/core/access/evaluate.js";
import type { StrongboxConfig } from "../../../src/core/config.js";
import type { Role } from "../../../src/core/roles.js";
import { cachedBinary, freePort } from "./local-tools.js";

/*
 * The strict S3 lane: a real MinIO (SigV4, expiry and policies enforced by the
 * server), started by scripts/minio-lane.sh. Each Strongbox role is an STS
 * session — MinIO's AssumeRole with an inline session policy — just as the
 * CLI's role sessions are on AWS, so pre-signed URLs carry a session token.
 *
 * The session policies hold the roles' S3 statements from the contract table
 * plus the bucket policy's denials that MinIO can evaluate. Left out, because
 * the lane cannot express them: aws:SecureTransport (the lane is plain HTTP on
 * loopback), every kms:* statement and the key-id condition (no KMS in the
 * lane), aws:MultiFactorAuthPresent (MinIO's STS has no MFA, so the MFA-only
 * permanent delete is simply not granted), aws:PrincipalArn (a session policy
 * already names its one principal). Those are proven by the policy simulation
 * (test/integration/access-contract.test.ts).
 */

const ROOT = resolve(import.meta.dirname, "../../..");
const LANE_SCRIPT = join(ROOT, "scripts/minio-lane.sh");
export const MINIO_BINARY = cachedBinary("minio");

/** The lane's own cap on pre-signed URL signature age: short, so a test can exceed it. */
export const LANE_MAX_SIGNATURE_AGE_MS = 60_000;
export const LANE_REGION = "us-east-1";

export interface LaneCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface MinioLane {
  dir: string;
  endpoint: string;
  bucket: string;
  root: LaneCredentials;
  /** Temporary credentials of a role session, limited by the role's session policy. */
  sessionFor(role: Role): Promise<LaneCredentials & { expiration: Date }>;
  /** A session limited by another policy (a test's control case). */
  sessionWithPolicy(
    name: string,
    policy: PolicyDocument,
  ): Promise<LaneCredentials & { expiration: Date }>;
  /** A CLI configuration pointed at the lane. */
  config(): StrongboxConfig;
  /** Stops MinIO and starts it again: same port, data and root user (sessions stay valid). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const run = promisify(execFile);

function readLaneEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, "lane.env"), "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/** The session policy of a role in the lane: its S3 grants and the bucket policy's denials. */
export function laneRolePolicy(role: Role, bucket: string): PolicyDocument {
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const grants = s3GrantsOf(role);
  const statements: PolicyStatement[] = [];
  if (grants.objectActions.length > 0) {
    statements.push({
      Sid: "RoleObjectActions",
      Effect: "Allow",
      Action: grants.objectActions,
      Resource: [`${bucketArn}/*`],
    });
  }
  if (grants.bucketActions.length > 0) {
    statements.push({
      Sid: "RoleBucketActions",
      Effect: "Allow",
      Action: grants.bucketActions,
      Resource: [bucketArn],
    });
  }
  const everything = [bucketArn, `${bucketArn}/*`];
  statements.push(
    {
      Sid: "DenyAnythingButSigV4",
      Effect: "Deny",
      Action: ["s3:*"],
      Resource: everything,
      Condition: { StringNotEquals: { "s3:signatureversion": ["AWS4-HMAC-SHA256"] } },
    },
    {
      Sid: "DenyPresignedUrlsOlderThanMaxAge",
      Effect: "Deny",
      Action: ["s3:*"],
      Resource: everything,
      Condition: {
        StringEquals: { "s3:authType": ["REST-QUERY-STRING"] },
        NumericGreaterThan: { "s3:signatureAge": [String(LANE_MAX_SIGNATURE_AGE_MS)] },
      },
    },
    {
      Sid: "DenyWritesNamingAnotherAlgorithm",
      Effect: "Deny",
      Action: ["s3:PutObject"],
      Resource: [`${bucketArn}/*`],
      Condition: {
        Null: { "s3:x-amz-server-side-encryption": ["false"] },
        StringNotEquals: { "s3:x-amz-server-side-encryption": ["aws:kms"] },
      },
    },
  );
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Starts a MinIO lane in a fresh directory (or `dir`), on a free port unless
 * STRONGBOX_MINIO_PORT says otherwise. Fails loudly when MinIO is not built.
 */
export async function startMinioLane(options: { dir?: string } = {}): Promise<MinioLane> {
  if (!existsSync(MINIO_BINARY)) {
    throw new Error(
      `MinIO is not built (${MINIO_BINARY} missing): run \`bash scripts/bootstrap.sh minio\``,
    );
  }
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "strongbox-minio-"));
  const port = Number(process.env.STRONGBOX_MINIO_PORT ?? (await freePort()));
  try {
    await run("bash", [LANE_SCRIPT, "start", dir], {
      env: { ...process.env, STRONGBOX_MINIO_PORT: String(port) },
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    throw new Error(`the MinIO lane did not start: ${stderr.trim()}`);
  }
  const env = readLaneEnv(dir);
  const endpoint = env.STRONGBOX_MINIO_ENDPOINT as string;
  const bucket = env.STRONGBOX_MINIO_BUCKET as string;
  const root = {
    accessKeyId: env.STRONGBOX_MINIO_ROOT_USER as string,
    secretAccessKey: env.STRONGBOX_MINIO_ROOT_PASSWORD as string,
  };
  const sts = new STSClient({ region: LANE_REGION, endpoint, credentials: root });
  let stopped = false;
  const session = async (name: string, policy: PolicyDocument) => {
    const answer = await sts.send(
      new AssumeRoleCommand({
        // MinIO ignores the role ARN: the session policy alone limits the session.
        RoleArn: `arn:aws:iam::000000000000:role/${name}`,
        RoleSessionName: name,
        Policy: JSON.stringify(policy),
        DurationSeconds: 3600,
      }),
    );
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new Error(`MinIO's AssumeRole for ${name} returned no credentials`);
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };

  return {
    dir,
    endpoint,
    bucket,
    root,
    sessionFor(role) {
      return session(`strongbox-${role}`, laneRolePolicy(role, bucket));
    },
    sessionWithPolicy(name, policy) {
      return session(name, policy);
    },
    config() {
      return {
        version: 1,
        region: LANE_REGION,
        bucket,
        kmsKeyArn: `arn:aws:kms:${LANE_REGION}:000000000000:key/minio-lane-has-no-kms`,
        roles: {
          uploader: "arn:aws:iam::000000000000:role/strongbox-uploader",
          viewer: "arn:aws:iam::000000000000:role/strongbox-viewer",
          admin: "arn:aws:iam::000000000000:role/strongbox-admin",
        },
        adminMfaRequired: false,
        maxSessionSeconds: 3600,
        endpoint,
        forcePathStyle: true,
      };
    },
    async restart() {
      await run("bash", [LANE_SCRIPT, "restart", dir]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      sts.destroy();
      await run("bash", [LANE_SCRIPT, "stop", dir]);
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
