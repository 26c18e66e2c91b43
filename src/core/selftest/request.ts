import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  DeleteObjectCommand,
  type DeleteObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createCloudWatchClient } from "../alarms.js";
import type { StrongboxAction } from "../aws-errors.js";
import { createS3Client } from "../clients.js";
import { createPresigner, type Presigner } from "../presign.js";
import type { RoleSession } from "../session/types.js";
import { type CallContext, S3RequestError, s3Call } from "../transfer/s3-call.js";
import type { SelftestEnv } from "./env.js";

export interface PresignedAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface PresignedOptions {
  headers?: Record<string, string>;
  body?: Buffer;
  /** Sends the signed request over http:// (the TLS-only refusal). */
  plainHttp?: boolean;
}

const ACTIONS: Record<"GET" | "PUT", StrongboxAction> = { GET: "GetObject", PUT: "PutObject" };

/**
 * One request through a pre-signed URL, on the transfers' own request path
 * (signed just before it is sent, retried by the same policy on a dropped
 * connection or a 5xx). A refusal throws the same S3RequestError a transfer
 * would (`refusedBy` recognises it).
 */
export async function presigned(
  env: SelftestEnv,
  session: RoleSession,
  method: "GET" | "PUT",
  key: string,
  options: PresignedOptions = {},
): Promise<PresignedAnswer> {
  const signer = createPresigner({
    config: env.config,
    credentials: session.credentials,
    now: () => env.clock.now(),
  });
  const ctx: CallContext = {
    presigner: options.plainHttp ? overPlainHttp(signer) : signer,
    role: session.role,
    bucket: env.config.bucket,
    transport: env.http,
    clock: env.clock,
    urlLifetimeSeconds: 300,
    ...(env.signal === undefined ? {} : { signal: env.signal }),
  };
  const body = options.body;
  const headers = {
    ...options.headers,
    ...(body === undefined ? {} : { "content-length": String(body.length) }),
  };
  return s3Call(
    ctx,
    {
      op: { action: ACTIONS[method], key, doing: `${method} the selftest object` },
      method,
      key,
      ...(Object.keys(headers).length === 0 ? {} : { headers }),
      ...(body === undefined ? {} : { body: () => body }),
    },
    async (res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
      return { status: res.status, headers: res.headers, body: Buffer.concat(chunks) };
    },
  );
}

function overPlainHttp(signer: Presigner): Presigner {
  return {
    async sign(req) {
      const signed = await signer.sign(req);
      return { ...signed, url: signed.url.replace(/^https:/, "http:") };
    },
  };
}

/** A refused request: a pre-signed one S3 answered 403, or an SDK call denied. */
export function refusedBy(err: unknown): boolean {
  if (err instanceof S3RequestError) return err.status === 403;
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.$metadata?.httpStatusCode === 403 || /AccessDenied|Forbidden/.test(e?.name ?? "");
}

const s3Clients = new WeakMap<SelftestEnv, Map<RoleSession, Pick<S3Client, "send">>>();

/** The session's SDK client for the requests that are not pre-signed (one per session and run). */
function s3For(env: SelftestEnv, session: RoleSession): Pick<S3Client, "send"> {
  let clients = s3Clients.get(env);
  if (clients === undefined) {
    clients = new Map();
    s3Clients.set(env, clients);
  }
  let client = clients.get(session);
  if (client === undefined) {
    client = env.s3Client?.(session) ?? createS3Client(env.config, session.credentials);
    clients.set(session, client);
  }
  return client;
}

/**
 * The requests on the deployment's bucket that are not pre-signed (SDK calls),
 * as one role session. A refusal throws the SDK's AccessDenied (`refusedBy`
 * recognises it).
 */
export interface SelftestBucket {
  head(key: string): Promise<HeadObjectCommandOutput>;
  /** Every version and delete marker under `prefix` (one page). */
  versions(prefix: string): Promise<ListObjectVersionsCommandOutput>;
  /** The objects under `prefix` (one page). */
  list(prefix: string): Promise<ListObjectsV2CommandOutput>;
  /** A delete marker, or with `versionId` that version for good. */
  delete(key: string, versionId?: string): Promise<DeleteObjectCommandOutput>;
  /** PutBucketVersioning with the setting the module already applies: harmless if it were allowed. */
  putVersioningEnabled(): Promise<unknown>;
}

export function bucketFor(env: SelftestEnv, session: RoleSession): SelftestBucket {
  const s3 = s3For(env, session);
  const Bucket = env.config.bucket;
  return {
    head: (key) => s3.send(new HeadObjectCommand({ Bucket, Key: key })),
    versions: (prefix) => s3.send(new ListObjectVersionsCommand({ Bucket, Prefix: prefix })),
    list: (prefix) => s3.send(new ListObjectsV2Command({ Bucket, Prefix: prefix })),
    delete: (key, versionId) =>
      s3.send(
        new DeleteObjectCommand({
          Bucket,
          Key: key,
          ...(versionId === undefined ? {} : { VersionId: versionId }),
        }),
      ),
    putVersioningEnabled: () =>
      s3.send(
        new PutBucketVersioningCommand({
          Bucket,
          VersioningConfiguration: { Status: "Enabled" },
        }),
      ),
  };
}

export function cloudWatchFor(
  env: SelftestEnv,
  session: RoleSession,
): Pick<CloudWatchClient, "send"> {
  return env.cloudWatch?.(session) ?? createCloudWatchClient(env.config, session.credentials);
}
