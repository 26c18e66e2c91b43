import { arnOf } from "../arn.js";
import { ROLES, type Role } from "../roles.js";
import { s3Context, sessionContext } from "./contract-context.js";
import { INSPECT_ALLOWED, INSPECT_OPERATIONS } from "./contract-table.js";
import type { ContractCell, ContractTarget } from "./contract-types.js";

/**
 * The cells of reading back what is deployed (`strongbox access`, the Admin's):
 * each role's policies for every one of the three roles, a managed policy
 * attached to them, the policies of the bucket and the data key (and, once the
 * monitoring half is named, of the trail log bucket and the monitoring key),
 * and IAM's policy simulator. The command calls exactly these (deployed.ts, iam-simulator.ts).
 */
export function inspectCells(
  t: ContractTarget,
): Array<Omit<ContractCell, "id" | "principal"> & { variant?: string }> {
  const cells: Array<Omit<ContractCell, "id" | "principal"> & { variant?: string }> = [];
  const resourcesOf = (scope: (typeof INSPECT_OPERATIONS)[number][2]): Array<[string, string?]> => {
    switch (scope) {
      case "role":
        return ROLES.map((target: Role) => [t.roleArns[target], `${target}-role`]);
      case "policy":
        // A policy someone attached to a role outside the module; the module attaches none.
        return [[arnOf(t.partition, "iam", "", t.accountId, "policy/attached-to-a-role")]];
      case "bucket": {
        const trailLogs = t.monitoring?.trailLogBucketArn;
        return trailLogs === undefined
          ? [[t.bucketArn]]
          : [[t.bucketArn], [trailLogs, "trail-log-bucket"]];
      }
      case "key": {
        const monitoringKey = t.monitoring?.monitoringKeyArn;
        return monitoringKey === undefined
          ? [[t.kmsKeyArn]]
          : [[t.kmsKeyArn], [monitoringKey, "monitoring-key"]];
      }
      default:
        return [["*"]];
    }
  };
  for (const role of ROLES) {
    for (const [action, operation, scope] of INSPECT_OPERATIONS) {
      for (const [resource, variant] of resourcesOf(scope)) {
        cells.push({
          capability: "inspect",
          role,
          operations: [operation],
          action,
          resource,
          context: action.startsWith("s3:")
            ? s3Context(t, role, { presigned: false })
            : action.startsWith("kms:")
              ? { ...sessionContext(t, role), "kms:CallerAccount": t.accountId }
              : sessionContext(t, role),
          expected: INSPECT_ALLOWED[role] ? "allow" : "deny",
          ...(variant === undefined ? {} : { variant }),
        });
      }
    }
  }
  return cells;
}
