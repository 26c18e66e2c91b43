import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Clock } from "../audit/insights.js";
import type { StrongboxConfig } from "../config.js";
import type { Role } from "../roles.js";
import type { RoleSession } from "../session/types.js";
import type { Transport } from "../transfer/transport.js";
import { type SelftestStep, type StepOutcome, skipped } from "./runner.js";

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
  /** The SDK client of a session (default: the CLI's own client for the config). */
  s3Client?: (session: RoleSession) => Pick<S3Client, "send">;
  cloudWatch?: (session: RoleSession) => Pick<CloudWatchClient, "send">;
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
  metrics: "the emulator (moto) counts no SNS deliveries or EventBridge invocations",
} as const;

export const prefixOf = (env: SelftestEnv) => `strongbox-selftest/${env.runId}/`;

/** The role's session, or the step's "skipped" saying which login is missing. */
export function sessionOr(env: SelftestEnv, role: Role): RoleSession | StepOutcome {
  const session = env.sessions[role];
  if (session !== undefined) return session;
  return skipped(
    env.sessionProblems[role] ?? `no ${role} session: run \`strongbox login --role ${role}\` first`,
  );
}

export const isOutcome = (value: object): value is StepOutcome => "status" in value;

export interface Uploaded {
  key: string;
  body: Buffer;
}

/** The object the upload step stored, or the step's "skipped" when it did not pass. */
export function needsUpload(env: SelftestEnv): Uploaded | StepOutcome {
  const { key, body } = env.state;
  if (key === undefined || body === undefined) {
    return skipped("needs the object from the upload step, which did not pass");
  }
  return { key, body };
}

type Run<Extra extends unknown[]> = (
  env: SelftestEnv,
  session: RoleSession,
  ...extra: Extra
) => Promise<StepOutcome>;

/** A step run as one role: skipped, saying which login is missing, without its session. */
export function roleStep(
  name: string,
  proves: string,
  role: Role,
  run: Run<[]>,
): SelftestStep<SelftestEnv> {
  return {
    name,
    proves,
    async run(env) {
      const session = sessionOr(env, role);
      return isOutcome(session) ? session : run(env, session);
    },
  };
}

/** A step on the uploaded object, run as one role: skipped without the object or the session. */
export function objectStep(
  name: string,
  proves: string,
  role: Role,
  run: Run<[Uploaded]>,
): SelftestStep<SelftestEnv> {
  return {
    name,
    proves,
    async run(env) {
      const uploaded = needsUpload(env);
      if (isOutcome(uploaded)) return uploaded;
      const session = sessionOr(env, role);
      return isOutcome(session) ? session : run(env, session, uploaded);
    },
  };
}
