import { randomBytes } from "node:crypto";
import {
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
} from "@aws-sdk/client-cloudwatch";
import {
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createCloudWatchClient } from "../alarms.js";
import { runAudit } from "../audit/audit.js";
import { createLogsClient, insightsApi } from "../audit/aws.js";
import type { Clock } from "../audit/insights.js";
import { createS3Client } from "../clients.js";
import type { StrongboxConfig } from "../config.js";
import { createPresigner, type PresignMethod } from "../presign.js";
import type { Role } from "../roles.js";
import type { RoleSession } from "../session/types.js";
import type { Transport } from "../transfer/transport.js";
import { fail, pass, type SelftestStep, type StepOutcome, skipped } from "./runner.js";

/** Everything the steps use; built by the command from the config and the role sessions. */
export interface SelftestEnv {
  config: StrongboxConfig;
  /** The config points at the local emulator (config.endpoint is set). */
  emulator: boolean;
  sessions: Partial<Record<Role, RoleSession>>;
  /** Why a role's session is unavailable (e.g. "run `strongbox login --role viewer`"). */
  sessionProblems: Partial<Record<Role, string>>;
  http: Transport;
  clock: Clock;
  signal?: AbortSignal | undefined;
  /** Objects go under `strongbox-selftest/<runId>/`. */
  runId: string;
  /** How many failed uploads the alarm burst makes. */
  burst: number;
  /** How long to wait for CloudTrail → Logs → metric filter → alarm (minutes on AWS). */
  alarmTimeoutMs: number;
  /** Filled in by the steps for the ones after them. */
  state: {
    key?: string;
    body?: Buffer;
    versionId?: string;
    burstStartedAt?: number;
    failedUploadsAlarm?: string;
    alarmRaisedAt?: number;
  };
}

/** What the emulator (moto) cannot show, said once and used by every step it affects. */
export const EMULATOR_GAPS = {
  iam: "the emulator (moto) evaluates no IAM or key policy and no bucket-policy condition faithfully, so a refusal there would prove nothing; the refusals are proven locally by `strongbox access` (policy evaluation) and the MinIO lane",
  trail:
    "the emulator (moto) records no CloudTrail events into CloudWatch Logs, so no metric filter counts and no alarm can fire from real activity",
  insights:
    "the emulator (moto) has no Logs Insights saved queries and ignores filter/stats, so the audit query cannot be checked there",
  history: "the emulator (moto) records no alarm action history",
} as const;

const NOTIFICATION_GAP =
  "reading a notification back needs a subscriber on the SNS topic (a temporary SQS queue needs @aws-sdk/client-sns and @aws-sdk/client-sqs, not installed); the alarm-history step proves CloudWatch published to the topic";

const prefixOf = (env: SelftestEnv) => `strongbox-selftest/${env.runId}/`;

function sessionOr(env: SelftestEnv, role: Role): RoleSession | StepOutcome {
  const session = env.sessions[role];
  if (session !== undefined) return session;
  return skipped(
    env.sessionProblems[role] ?? `no ${role} session: run \`strongbox login --role ${role}\` first`,
  );
}
const isOutcome = (value: RoleSession | StepOutcome): value is StepOutcome => "status" in value;

const s3Clients = new WeakMap<RoleSession, S3Client>();
function s3For(env: SelftestEnv, session: RoleSession): S3Client {
  let client = s3Clients.get(session);
  if (client === undefined) {
    client = createS3Client(env.config, session.credentials);
    s3Clients.set(session, client);
  }
  return client;
}

function cloudWatchFor(env: SelftestEnv, session: RoleSession): CloudWatchClient {
  return createCloudWatchClient(env.config, session.credentials);
}

/** One request through a pre-signed URL, as the CLI's data path makes it. */
async function presigned(
  env: SelftestEnv,
  session: RoleSession,
  method: PresignMethod,
  key: string,
  options: { headers?: Record<string, string>; body?: Buffer; plainHttp?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const presigner = createPresigner({
    config: env.config,
    credentials: session.credentials,
    now: () => env.clock.now(),
  });
  const signed = await presigner.sign({
    method,
    key,
    expiresInSeconds: 300,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  const url = options.plainHttp ? signed.url.replace(/^https:/, "http:") : signed.url;
  const response = await env.http.send({
    method,
    url,
    headers: {
      ...signed.headers,
      ...(options.body === undefined ? {} : { "content-length": String(options.body.length) }),
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(env.signal === undefined ? {} : { signal: env.signal }),
  });
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  return { status: response.status, headers: response.headers, body: Buffer.concat(chunks) };
}

/** A refused SDK call: AccessDenied / HTTP 403. */
function refusedBy(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.$metadata?.httpStatusCode === 403 || /AccessDenied|Forbidden/.test(e?.name ?? "");
}

async function expectRefused(run: () => Promise<unknown>, what: string): Promise<StepOutcome> {
  try {
    await run();
  } catch (err) {
    if (refusedBy(err)) return pass(`${what} was refused (AccessDenied)`);
    throw err;
  }
  return fail(`${what} was ALLOWED: the deployed policies do not match the access contract`);
}

const keyIdOf = (arnOrId: string | undefined) => arnOrId?.split("/").pop();

/** A request only IAM/bucket policies can refuse: skipped on the emulator. */
function refusal(
  name: string,
  proves: string,
  role: Role,
  run: (env: SelftestEnv, session: RoleSession) => Promise<StepOutcome>,
): SelftestStep<SelftestEnv> {
  return {
    name,
    proves,
    async run(env) {
      if (env.emulator) return skipped(EMULATOR_GAPS.iam);
      const session = sessionOr(env, role);
      if (isOutcome(session)) return session;
      return run(env, session);
    },
  };
}

function needsUpload(env: SelftestEnv): StepOutcome | { key: string; body: Buffer } {
  const { key, body } = env.state;
  if (key === undefined || body === undefined) {
    return skipped("needs the object from the upload step, which did not pass");
  }
  return { key, body };
}

/** The failed-uploads alarm among the deployment's alarm names. */
export function failedUploadsAlarmOf(config: StrongboxConfig): string | undefined {
  return config.monitoring?.alarmNames.find((name) => /fail\w*[-_ ]?upload/i.test(name));
}

export function selftestSteps(): SelftestStep<SelftestEnv>[] {
  return [
    {
      name: "uploader puts an object",
      proves:
        "the Uploader role can write through a pre-signed PUT (bucket-default SSE-KMS, no SSE headers)",
      async run(env) {
        const session = sessionOr(env, "uploader");
        if (isOutcome(session)) return session;
        const key = `${prefixOf(env)}hello.txt`;
        const body = Buffer.concat([Buffer.from("strongbox selftest\n"), randomBytes(32)]);
        const response = await presigned(env, session, "PUT", key, { body });
        if (response.status !== 200) {
          return fail(
            `PUT returned HTTP ${response.status}: ${response.body.toString("utf8").slice(0, 200)}`,
          );
        }
        env.state.key = key;
        env.state.body = body;
        const versionId = response.headers["x-amz-version-id"];
        if (versionId !== undefined) env.state.versionId = versionId;
        return pass(`uploaded ${body.length} bytes to ${key}`);
      },
    },
    {
      name: "upload encrypted with the deployment's key",
      proves: "S3 stored the object with SSE-KMS under the module's customer key",
      async run(env) {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const session = sessionOr(env, "admin");
        if (isOutcome(session)) return session;
        const head = await s3For(env, session).send(
          new HeadObjectCommand({ Bucket: env.config.bucket, Key: uploaded.key }),
        );
        if (head.ServerSideEncryption !== "aws:kms") {
          return fail(`object encryption is ${head.ServerSideEncryption ?? "none"}, not aws:kms`);
        }
        if (keyIdOf(head.SSEKMSKeyId) !== keyIdOf(env.config.kmsKeyArn)) {
          return fail(
            `object encrypted with key ${head.SSEKMSKeyId ?? "(none)"}, not ${env.config.kmsKeyArn}`,
          );
        }
        return pass(
          `aws:kms with ${head.SSEKMSKeyId}${head.BucketKeyEnabled ? " (bucket key)" : ""}`,
        );
      },
    },
    {
      name: "a version appears",
      proves: "versioning is on: the upload created a version id",
      async run(env) {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const session = sessionOr(env, "admin");
        if (isOutcome(session)) return session;
        const listed = await s3For(env, session).send(
          new ListObjectVersionsCommand({ Bucket: env.config.bucket, Prefix: uploaded.key }),
        );
        const versions = (listed.Versions ?? []).filter((v) => v.Key === uploaded.key);
        const real = versions.filter((v) => v.VersionId !== undefined && v.VersionId !== "null");
        if (real.length === 0)
          return fail("no version id: versioning is not enabled on the bucket");
        if (
          env.state.versionId !== undefined &&
          !real.some((v) => v.VersionId === env.state.versionId)
        ) {
          return fail(`the PUT's version ${env.state.versionId} is not listed`);
        }
        return pass(`version ${real[0]?.VersionId}`);
      },
    },
    {
      name: "viewer gets the object",
      proves: "the Viewer role can read through a pre-signed GET (KMS Decrypt via S3)",
      async run(env) {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const session = sessionOr(env, "viewer");
        if (isOutcome(session)) return session;
        const response = await presigned(env, session, "GET", uploaded.key);
        if (response.status !== 200) return fail(`GET returned HTTP ${response.status}`);
        if (!response.body.equals(uploaded.body)) return fail("GET returned different bytes");
        return pass(`read back ${response.body.length} identical bytes`);
      },
    },
    {
      name: "viewer lists the bucket",
      proves: "the Viewer role can list",
      async run(env) {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const session = sessionOr(env, "viewer");
        if (isOutcome(session)) return session;
        const listed = await s3For(env, session).send(
          new ListObjectsV2Command({ Bucket: env.config.bucket, Prefix: prefixOf(env) }),
        );
        return (listed.Contents ?? []).some((o) => o.Key === uploaded.key)
          ? pass(`listed ${listed.KeyCount ?? 0} object(s) under ${prefixOf(env)}`)
          : fail("the uploaded object is not listed");
      },
    },
    refusal(
      "viewer refused: put",
      "the Viewer role cannot write",
      "viewer",
      async (env, session) => {
        const response = await presigned(env, session, "PUT", `${prefixOf(env)}viewer.txt`, {
          body: Buffer.from("no"),
        });
        return response.status === 403
          ? pass("PUT refused with 403")
          : fail(`PUT by the viewer returned HTTP ${response.status}`);
      },
    ),
    refusal(
      "uploader refused: get",
      "the Uploader role cannot read",
      "uploader",
      async (env, session) => {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const response = await presigned(env, session, "GET", uploaded.key);
        return response.status === 403
          ? pass("GET refused with 403")
          : fail(`GET by the uploader returned HTTP ${response.status}`);
      },
    ),
    refusal(
      "uploader refused: delete",
      "the Uploader role cannot delete",
      "uploader",
      async (env, session) => {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        return expectRefused(
          () =>
            s3For(env, session).send(
              new DeleteObjectCommand({ Bucket: env.config.bucket, Key: uploaded.key }),
            ),
          "DeleteObject by the uploader",
        );
      },
    ),
    refusal(
      "uploader refused: write naming another KMS key",
      "the bucket policy denies writes that name another key",
      "uploader",
      async (env, session) => {
        const [, , , region, account] = env.config.kmsKeyArn.split(":");
        const otherKey = `arn:aws:kms:${region}:${account}:key/00000000-1111-2222-3333-444444444444`;
        const response = await presigned(env, session, "PUT", `${prefixOf(env)}other-key.txt`, {
          body: Buffer.from("no"),
          headers: {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": otherKey,
          },
        });
        return response.status === 403
          ? pass("PUT naming another key refused with 403")
          : fail(`PUT naming another key returned HTTP ${response.status}`);
      },
    ),
    refusal(
      "plain HTTP refused",
      "the bucket policy denies requests without TLS",
      "viewer",
      async (env, session) => {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const response = await presigned(env, session, "GET", uploaded.key, { plainHttp: true });
        return response.status === 403
          ? pass("GET over http:// refused with 403")
          : fail(`GET over http:// returned HTTP ${response.status}`);
      },
    ),
    refusal(
      "admin refused: change bucket settings",
      "bucket configuration is Terraform's alone (PutBucketVersioning with the current setting)",
      "admin",
      async (env, session) =>
        expectRefused(
          () =>
            s3For(env, session).send(
              // The setting the module already applies: harmless if it were allowed.
              new PutBucketVersioningCommand({
                Bucket: env.config.bucket,
                VersioningConfiguration: { Status: "Enabled" },
              }),
            ),
          "PutBucketVersioning by the admin",
        ),
    ),
    {
      name: "admin deletes (delete marker)",
      proves: "the Admin role can delete; versioning keeps the data behind a delete marker",
      async run(env) {
        const uploaded = needsUpload(env);
        if ("status" in uploaded) return uploaded;
        const session = sessionOr(env, "admin");
        if (isOutcome(session)) return session;
        const out = await s3For(env, session).send(
          new DeleteObjectCommand({ Bucket: env.config.bucket, Key: uploaded.key }),
        );
        return out.DeleteMarker
          ? pass(`delete marker ${out.VersionId ?? ""}`.trim())
          : fail("DeleteObject did not create a delete marker");
      },
    },
    {
      name: "the deployment's alarms exist",
      proves: "every alarm the deployment declares is in CloudWatch",
      async run(env) {
        const names = env.config.monitoring?.alarmNames ?? [];
        if (names.length === 0) {
          return skipped("the config lists no alarms (deployment output alarm_names)");
        }
        const session = sessionOr(env, "admin");
        if (isOutcome(session)) return session;
        const found = new Set<string>();
        const client = cloudWatchFor(env, session);
        for (let i = 0; i < names.length; i += 100) {
          const out = await client.send(
            new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100) }),
          );
          for (const alarm of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) {
            if (alarm.AlarmName) found.add(alarm.AlarmName);
          }
        }
        const missing = names.filter((name) => !found.has(name));
        return missing.length === 0
          ? pass(`${names.length} alarms present`)
          : fail(`missing alarms: ${missing.join(", ")}`);
      },
    },
    {
      name: "burst of failed uploads raises the alarm",
      proves: "CloudTrail → CloudWatch Logs → metric filter → alarm works end to end",
      async run(env) {
        if (env.emulator) return skipped(EMULATOR_GAPS.trail);
        const alarm = failedUploadsAlarmOf(env.config);
        if (alarm === undefined) {
          return skipped(
            "the config names no failed-uploads alarm (deployment output alarm_names)",
          );
        }
        const session = sessionOr(env, "viewer");
        if (isOutcome(session)) return session;
        const admin = sessionOr(env, "admin");
        if (isOutcome(admin)) return admin;
        env.state.burstStartedAt = env.clock.now();
        let refused = 0;
        for (let i = 0; i < env.burst; i++) {
          const response = await presigned(env, session, "PUT", `${prefixOf(env)}burst-${i}.txt`, {
            body: Buffer.from("denied"),
          });
          if (response.status === 403) refused++;
        }
        if (refused < env.burst) {
          return fail(
            `${env.burst - refused} of ${env.burst} deliberately forbidden uploads were accepted`,
          );
        }
        const client = cloudWatchFor(env, admin);
        const deadline = env.clock.now() + env.alarmTimeoutMs;
        let last = "unknown";
        while (env.clock.now() < deadline) {
          const out = await client.send(new DescribeAlarmsCommand({ AlarmNames: [alarm] }));
          const state = out.MetricAlarms?.[0];
          last = state?.StateValue ?? "missing";
          if (
            state?.StateValue === "ALARM" &&
            (state.StateUpdatedTimestamp?.getTime() ?? 0) >= (env.state.burstStartedAt ?? 0)
          ) {
            env.state.failedUploadsAlarm = alarm;
            env.state.alarmRaisedAt = state.StateUpdatedTimestamp?.getTime();
            return pass(
              `${alarm} entered ALARM ${Math.round((env.clock.now() - (env.state.burstStartedAt ?? 0)) / 1000)} s after ${env.burst} refused uploads`,
            );
          }
          await env.clock.sleep(15_000, env.signal);
        }
        return fail(
          `${alarm} still ${last} after ${Math.round(env.alarmTimeoutMs / 60_000)} min (CloudTrail delivery can take up to ~15 min: try --alarm-timeout 20m)`,
        );
      },
    },
    {
      name: "the alarm notified the SNS topic",
      proves:
        "CloudWatch published the alarm to the admins' topic (its action history shows the publish succeeded, so the topic's key and policy let it)",
      async run(env) {
        if (env.emulator) return skipped(EMULATOR_GAPS.history);
        const alarm = env.state.failedUploadsAlarm;
        if (alarm === undefined) return skipped("needs the alarm step, which did not pass");
        const session = sessionOr(env, "admin");
        if (isOutcome(session)) return session;
        const client = cloudWatchFor(env, session);
        const deadline = env.clock.now() + 120_000;
        while (env.clock.now() < deadline) {
          const out = await client.send(
            new DescribeAlarmHistoryCommand({
              AlarmName: alarm,
              HistoryItemType: "Action",
              StartDate: new Date(env.state.burstStartedAt ?? 0),
            }),
          );
          const items = out.AlarmHistoryItems ?? [];
          const published = items.find((item) =>
            /Successfully executed action arn:aws:sns/i.test(item.HistorySummary ?? ""),
          );
          if (published) return pass(published.HistorySummary ?? "published");
          const failed = items.find((item) =>
            /Failed to execute action/i.test(item.HistorySummary ?? ""),
          );
          if (failed) return fail(failed.HistorySummary ?? "the SNS action failed");
          await env.clock.sleep(10_000, env.signal);
        }
        return fail("no action in the alarm's history within 2 min of entering ALARM");
      },
    },
    {
      name: "a person receives the notification",
      proves: "SNS delivers to a subscriber",
      async run() {
        return skipped(NOTIFICATION_GAP);
      },
    },
    {
      name: "audit finds the refused uploads",
      proves: "the saved failed-uploads query runs on Logs Insights and sees the burst",
      async run(env) {
        if (env.emulator) return skipped(EMULATOR_GAPS.insights);
        if (env.state.failedUploadsAlarm === undefined) {
          return skipped(
            "needs the alarm step (which waits for CloudTrail delivery) to pass first",
          );
        }
        const admin = sessionOr(env, "admin");
        if (isOutcome(admin)) return admin;
        const viewer = env.sessions.viewer;
        const result = await runAudit(
          {
            query: "failed-uploads",
            window: {
              startTime: Math.floor((env.state.burstStartedAt ?? env.clock.now()) / 1000) - 60,
              endTime: Math.floor(env.clock.now() / 1000) + 60,
            },
            filters: viewer === undefined ? {} : { principal: viewer.assumedRoleArn },
          },
          {
            region: env.config.region,
            queryNames: env.config.monitoring?.queryNames ?? {},
            logGroupName: env.config.monitoring?.logGroupName,
          },
          {
            api: insightsApi(createLogsClient(env.config, admin.credentials), {
              signal: env.signal,
            }),
            clock: env.clock,
            ...(env.signal === undefined ? {} : { signal: env.signal }),
          },
        );
        const failures = result.records.reduce((sum, r) => sum + Number(r.failures ?? 0), 0);
        return failures >= env.burst
          ? pass(`${failures} failed uploads reported by ${result.definitionName}`)
          : fail(`the query reported ${failures} failed uploads, expected at least ${env.burst}`);
      },
    },
    {
      name: "clean up",
      proves:
        "the selftest's objects are removed (permanent delete needs MFA in the admin session)",
      async run(env) {
        const session = sessionOr(env, "admin");
        if (isOutcome(session)) return session;
        const client = s3For(env, session);
        const listed = await client.send(
          new ListObjectVersionsCommand({ Bucket: env.config.bucket, Prefix: prefixOf(env) }),
        );
        const entries = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])];
        let removed = 0;
        let refused = 0;
        for (const entry of entries) {
          if (entry.Key === undefined || entry.VersionId === undefined) continue;
          try {
            await client.send(
              new DeleteObjectCommand({
                Bucket: env.config.bucket,
                Key: entry.Key,
                VersionId: entry.VersionId,
              }),
            );
            removed++;
          } catch (err) {
            if (!refusedBy(err)) throw err;
            refused++;
          }
        }
        if (refused > 0) {
          return skipped(
            `left ${refused} version(s) under ${prefixOf(env)}: permanent delete was refused (it needs a fresh MFA in the admin session: \`strongbox login --role admin\` with a new code); the lifecycle rule expires them`,
          );
        }
        return pass(`removed ${removed} version(s) and delete marker(s)`);
      },
    },
  ];
}
