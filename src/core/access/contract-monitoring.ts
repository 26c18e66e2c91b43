import { PARTITION_PATTERN } from "../arn.js";
import { ROLES, type Role } from "../roles.js";
import { assertUniqueIds, buildContract } from "./contract.js";
import { sessionArnOf, sessionContext } from "./contract-context.js";
import { KMS_KEY_ADMIN_ACTIONS } from "./contract-table.js";
import type {
  ContractCell,
  ContractTarget,
  MonitoringTarget,
  RequestContext,
} from "./contract-types.js";

/**
 * The contract cells of the monitoring half's own resources (issue 9): the
 * trail log bucket and the monitoring key. No role may write, overwrite or
 * delete a trail log file, loosen the trail log bucket, or switch off either
 * key; the key administrators can, and the trail log readers can read.
 *
 * Their decisions come from resource policies other than the main bucket's
 * and the data key's, so these cells are evaluated with
 * `AccessPolicies.extraResourcePolicies` (evaluate.ts routes each cell to the
 * policy of the resource it names).
 */

/** A trail log file as CloudTrail names it. */
const trailLogKey = (t: ContractTarget) =>
  `AWSLogs/${t.accountId}/CloudTrail/${t.region}/2026/11/27/${t.accountId}_CloudTrail_${t.region}_20261127T1005Z_a1b2c3.json.gz`;
const VERSION_ID = "7Jd2kqtJlcpXroDTDmJ-rmSpXd3dIbrQ1";

/** What the roles may never do to the trail log bucket (object level, then bucket level). */
const TRAIL_OBJECT_DENIALS: Array<[action: string, operation: string, context?: RequestContext]> = [
  ["s3:PutObject", "PutObject (overwrite a log file)"],
  ["s3:DeleteObject", "DeleteObject"],
  ["s3:DeleteObjectVersion", "DeleteObject (versionId)", { "s3:versionid": VERSION_ID }],
  ["s3:BypassGovernanceRetention", "DeleteObject (bypass Object Lock)"],
];
const TRAIL_BUCKET_DENIALS: Array<[action: string, operation: string]> = [
  ["s3:PutLifecycleConfiguration", "PutBucketLifecycleConfiguration"],
  ["s3:PutBucketPolicy", "PutBucketPolicy"],
  ["s3:DeleteBucketPolicy", "DeleteBucketPolicy"],
  ["s3:PutBucketObjectLockConfiguration", "PutObjectLockConfiguration"],
];

/** The request context of a principal named in a resource policy (an IAM user or role). */
function namedPrincipalContext(t: ContractTarget, arn: string): RequestContext {
  return {
    "aws:SecureTransport": "true",
    "aws:PrincipalArn": arn,
    "aws:PrincipalAccount": t.accountId,
    "aws:PrincipalType": arn.includes(":user/") ? "User" : "AssumedRole",
    "aws:RequestedRegion": t.region,
  };
}

const s3RequestContext = {
  "s3:signatureversion": "AWS4-HMAC-SHA256",
  "s3:authType": "REST-HEADER",
  "s3:signatureAge": "1000",
  "s3:TlsVersion": "1.3",
};

/** IAM ARNs only: a key policy may also name a principal the simulator cannot be (an STS ARN). */
const IAM_ARN = new RegExp(`^arn:${PARTITION_PATTERN}:iam::\\d{12}:(user|role)/`);
const iamArns = (arns: string[] | undefined) => (arns ?? []).filter((arn) => IAM_ARN.test(arn));

export function monitoringCells(t: ContractTarget): ContractCell[] {
  const m: MonitoringTarget | undefined = t.monitoring;
  if (m?.trailLogBucketArn === undefined || m.monitoringKeyArn === undefined) return [];
  const trailBucket = m.trailLogBucketArn;
  const logFile = `${trailBucket}/${trailLogKey(t)}`;
  const cells: ContractCell[] = [];
  const forRole = (
    role: Role,
    cell: Omit<ContractCell, "id" | "principal" | "role" | "expected">,
    suffix: string,
  ) =>
    cells.push({
      ...cell,
      id: `${role}/${cell.action}/${suffix}`,
      role,
      principal: sessionArnOf(t, role),
      expected: "deny",
    });

  for (const role of ROLES) {
    for (const [action, operation, context] of TRAIL_OBJECT_DENIALS) {
      forRole(
        role,
        {
          capability: "logIntegrity",
          operations: [operation],
          action,
          resource: logFile,
          context: { ...sessionContext(t, role), ...s3RequestContext, ...context },
        },
        "trail-log-file",
      );
    }
    for (const [action, operation] of TRAIL_BUCKET_DENIALS) {
      forRole(
        role,
        {
          capability: "logIntegrity",
          operations: [operation],
          action,
          resource: trailBucket,
          context: { ...sessionContext(t, role), ...s3RequestContext },
        },
        "trail-log-bucket",
      );
    }
    for (const action of KMS_KEY_ADMIN_ACTIONS) {
      forRole(
        role,
        {
          capability: "keyGuard",
          operations: [action.slice(4)],
          action,
          resource: m.monitoringKeyArn,
          context: { ...sessionContext(t, role), "kms:CallerAccount": t.accountId },
        },
        "monitoring-key",
      );
    }
  }

  // The key administrators keep what the guard denies everyone else: on both keys.
  for (const admin of iamArns(m.keyAdministratorArns).slice(0, 1)) {
    for (const [key, keyArn] of [
      ["data-key", t.kmsKeyArn],
      ["monitoring-key", m.monitoringKeyArn],
    ] as const) {
      for (const action of KMS_KEY_ADMIN_ACTIONS) {
        cells.push({
          id: `key-administrator/${action}/${key}`,
          capability: "keyGuard",
          role: "admin",
          actor: "key-administrator",
          operations: [action.slice(4)],
          action,
          resource: keyArn,
          principal: admin,
          context: { ...namedPrincipalContext(t, admin), "kms:CallerAccount": t.accountId },
          expected: "allow",
        });
      }
    }
  }

  // A log-file validation reader reads, over TLS only, and cannot write or delete.
  for (const reader of iamArns(m.trailLogReaderArns).slice(0, 1)) {
    const readerCell = (
      suffix: string,
      action: string,
      operation: string,
      resource: string,
      expected: "allow" | "deny",
      extra: RequestContext = {},
    ) =>
      cells.push({
        id: `trail-log-reader/${action}/${suffix}`,
        capability: "logIntegrity",
        role: "admin",
        actor: "trail-log-reader",
        operations: [operation],
        action,
        resource,
        principal: reader,
        context: { ...namedPrincipalContext(t, reader), ...s3RequestContext, ...extra },
        expected,
      });
    readerCell("trail-log-file", "s3:GetObject", "GetObject", logFile, "allow");
    readerCell("trail-log-bucket", "s3:ListBucket", "ListObjectsV2", trailBucket, "allow", {
      "s3:prefix": `AWSLogs/${t.accountId}/`,
    });
    readerCell("plain-http", "s3:GetObject", "GetObject", logFile, "deny", {
      "aws:SecureTransport": "false",
    });
    readerCell(
      "trail-log-file",
      "s3:PutObject",
      "PutObject (overwrite a log file)",
      logFile,
      "deny",
    );
    readerCell("trail-log-file", "s3:DeleteObject", "DeleteObject", logFile, "deny");
  }
  return cells;
}

/** The §2 contract plus the monitoring half's cells, ids checked unique across both. */
export function buildContractWithMonitoring(t: ContractTarget): ContractCell[] {
  return assertUniqueIds([...buildContract(t), ...monitoringCells(t)]);
}
