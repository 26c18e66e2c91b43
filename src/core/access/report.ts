import {
  type ContextEntry,
  type ContextKeyTypeEnum,
  type EvaluationResult,
  IAMClient,
  SimulateCustomPolicyCommand,
  type SimulateCustomPolicyCommandInput,
} from "@aws-sdk/client-iam";
import { KMSClient } from "@aws-sdk/client-kms";
import { mapAwsError } from "../aws-errors.js";
import { baseClientConfig, type Credentials, createS3Client } from "../clients.js";
import type { StrongboxConfig } from "../config.js";
import { StrongboxError } from "../errors.js";
import { ROLES, type Role } from "../roles.js";
import {
  buildContract,
  CAPABILITIES,
  type Capability,
  type ContextValue,
  type ContractCell,
  type ContractTarget,
  type Decision,
} from "./contract.js";
import { readDeployedPolicies } from "./deployed.js";
import {
  type AccessPolicies,
  type CellResult,
  evaluateContract,
  type PolicyDocument,
} from "./evaluate.js";

/**
 * `strongbox access`: the contract's cells, evaluated by one engine, folded
 * into the §2 table (role × capability) with every cell that differs from
 * the contract flagged. Two engines:
 *  - `aws-iam-simulator`: IAM's own policy simulator (SimulateCustomPolicy) in a
 *    real account, with the bucket policy or key policy as the resource policy;
 *  - `iam-simulate`: the optional @cloud-copilot/iam-simulate package, locally
 *    (the emulator has no IAM simulator), through the access helper's evaluate.ts.
 */

export type AccessEngine = "aws-iam-simulator" | "iam-simulate";

export const ENGINE_DESCRIPTIONS: Record<AccessEngine, string> = {
  "aws-iam-simulator": "AWS IAM policy simulator (SimulateCustomPolicy) in the account",
  "iam-simulate": "@cloud-copilot/iam-simulate on this machine (optional package, AGPL-3.0)",
};

/** One evaluated cell, whichever engine answered. */
export interface EvaluatedCell extends Omit<CellResult, "engine"> {
  engine: AccessEngine;
}

export interface MatrixEntry {
  role: Role;
  capability: Capability;
  /** What the contract says, e.g. "yes", "no", "with MFA", "GenerateDataKey+Decrypt". */
  expected: string;
  /** What the deployed policies give. */
  actual: string;
  /** Some cell of this entry differs from the contract. */
  flagged: boolean;
  cells: number;
  /** Ids of the cells that differ. */
  differing: string[];
}

export interface FlaggedCell {
  id: string;
  role: Role;
  capability: Capability;
  action: string;
  operations: string[];
  resource: string;
  variant: string | undefined;
  expected: Decision;
  actual: Decision;
  verdict: string;
  decidedBy: string[];
}

export interface AccessReport {
  engine: AccessEngine;
  engineDescription: string;
  /** Why this engine answered (e.g. a fallback), when it was not the obvious choice. */
  engineNote: string | undefined;
  capabilities: Array<{ id: Capability; description: string }>;
  roles: readonly Role[];
  matrix: MatrixEntry[];
  flagged: FlaggedCell[];
  totals: { cells: number; matching: number; differing: number };
}

const MFA_VARIANTS = new Set(["no-mfa", "mfa-key-absent"]);

/** One table entry's value from the cells of one (role, capability), by `pick`. */
function summarize(
  capability: Capability,
  group: EvaluatedCell[],
  pick: (cell: EvaluatedCell) => Decision,
): string {
  const base = group.filter((c) => c.cell.variant === undefined);
  const considered = base.length > 0 ? base : group;
  const allowed = considered.filter((c) => pick(c) === "allow");
  if (capability === "kms") {
    const actions = [...new Set(allowed.map((c) => c.cell.action.replace(/^kms:/, "")))];
    return actions.length === 0 ? "no" : actions.join("+");
  }
  if (allowed.length === 0) return "no";
  if (allowed.length < considered.length) {
    return `partial (${allowed.length}/${considered.length})`;
  }
  if (capability === "deleteVersion") {
    const withoutMfa = group.filter((c) => MFA_VARIANTS.has(c.cell.variant ?? ""));
    if (withoutMfa.length > 0) {
      return withoutMfa.every((c) => pick(c) === "deny") ? "with MFA" : "yes, even without MFA";
    }
  }
  return "yes";
}

export function buildAccessReport(
  results: EvaluatedCell[],
  engine: AccessEngine,
  engineNote?: string,
): AccessReport {
  const capabilities = (Object.keys(CAPABILITIES) as Capability[]).filter((capability) =>
    results.some((r) => r.cell.capability === capability),
  );
  const matrix: MatrixEntry[] = [];
  for (const capability of capabilities) {
    for (const role of ROLES) {
      const group = results.filter((r) => r.cell.capability === capability && r.cell.role === role);
      if (group.length === 0) continue;
      const differing = group.filter((r) => r.actual !== r.cell.expected).map((r) => r.cell.id);
      matrix.push({
        role,
        capability,
        expected: summarize(capability, group, (c) => c.cell.expected),
        actual: summarize(capability, group, (c) => c.actual),
        flagged: differing.length > 0,
        cells: group.length,
        differing,
      });
    }
  }
  const flagged = results
    .filter((r) => r.actual !== r.cell.expected)
    .map(
      (r): FlaggedCell => ({
        id: r.cell.id,
        role: r.cell.role,
        capability: r.cell.capability,
        action: r.cell.action,
        operations: r.cell.operations,
        resource: r.cell.resource,
        variant: r.cell.variant,
        expected: r.cell.expected,
        actual: r.actual,
        verdict: r.verdict,
        decidedBy: r.decidedBy,
      }),
    );
  return {
    engine,
    engineDescription: ENGINE_DESCRIPTIONS[engine],
    engineNote,
    capabilities: capabilities.map((id) => ({ id, description: CAPABILITIES[id] })),
    roles: ROLES,
    matrix,
    flagged,
    totals: {
      cells: results.length,
      matching: results.length - flagged.length,
      differing: flagged.length,
    },
  };
}

/** The local engine's results, relabelled for the report. */
export const fromLocalEngine = (results: CellResult[]): EvaluatedCell[] =>
  results.map((r) => ({ ...r, engine: "iam-simulate" }));

// ---------------------------------------------------------------------------
// IAM's own simulator (real accounts only).

/** IAM's simulator as the real-account engine uses it: one SimulateCustomPolicy request → its first result. */
export interface IamSimulator {
  simulate(request: SimulateCustomPolicyCommandInput): Promise<EvaluationResult | undefined>;
}

export function iamSimulatorOf(client: IAMClient, signal?: AbortSignal): IamSimulator {
  return {
    async simulate(request) {
      const out = await client.send(
        new SimulateCustomPolicyCommand(request),
        signal === undefined ? undefined : { abortSignal: signal },
      );
      return out.EvaluationResults?.[0];
    },
  };
}

const BOOLEAN_KEYS = new Set([
  "aws:securetransport",
  "aws:multifactorauthpresent",
  "aws:viaawsservice",
]);
const NUMERIC_KEYS = new Set(["s3:signatureage", "aws:multifactorauthage"]);

/** A request-context value as IAM's simulator takes it (typed: boolean, numeric, string lists). */
export function contextEntryOf(key: string, value: ContextValue): ContextEntry {
  const lower = key.toLowerCase();
  const list = Array.isArray(value);
  let type: ContextKeyTypeEnum = list ? "stringList" : "string";
  if (BOOLEAN_KEYS.has(lower)) type = list ? "booleanList" : "boolean";
  else if (NUMERIC_KEYS.has(lower)) type = list ? "numericList" : "numeric";
  return { ContextKeyName: key, ContextKeyValues: list ? value : [value], ContextKeyType: type };
}

const json = (document: PolicyDocument) => JSON.stringify(document);

/**
 * IAM requires an IAM *user* as the caller whenever a resource policy is
 * simulated (it cannot take an assumed-role session). We simulate the role's
 * own policies with this stand-in caller and pass the role in the request
 * context (aws:PrincipalArn), which is what the module's policies test.
 */
export const standInCallerOf = (accountId: string) =>
  `arn:aws:iam::${accountId}:user/strongbox-access-check`;

export const AWS_ENGINE_CAVEAT =
  "IAM's simulator needs an IAM user as the caller with a resource policy: the role's policies are simulated for a stand-in user, with aws:PrincipalArn set to the role; a bucket or key policy statement that names the role itself as Principal is therefore not matched by the simulator.";

function verdictOf(result: EvaluationResult | undefined): { decision: Decision; verdict: string } {
  const verdict = result?.EvalDecision ?? "implicitDeny";
  return { decision: verdict === "allowed" ? "allow" : "deny", verdict };
}

/** Evaluates every cell with SimulateCustomPolicy (identity + boundary + resource policy). */
export async function evaluateWithIamSimulator(
  cells: ContractCell[],
  policies: AccessPolicies,
  iam: IamSimulator,
): Promise<EvaluatedCell[]> {
  const results: EvaluatedCell[] = [];
  const caller = standInCallerOf(policies.accountId);
  for (const cell of cells) {
    const resourcePolicy = cell.action.startsWith("s3:")
      ? policies.bucketPolicy
      : cell.action.startsWith("kms:")
        ? policies.keyPolicy
        : undefined;
    const boundary = policies.permissionBoundaries?.[cell.role];
    const identity = policies.identityPolicies[cell.role];
    const result = await iam.simulate({
      PolicyInputList: identity.map((p) => json(p.document)),
      ...(boundary === undefined
        ? {}
        : { PermissionsBoundaryPolicyInputList: [json(boundary.document)] }),
      ActionNames: [cell.action],
      ResourceArns: [cell.resource],
      ...(resourcePolicy === undefined
        ? {}
        : {
            ResourcePolicy: json(resourcePolicy),
            ResourceOwner: `arn:aws:iam::${policies.accountId}:root`,
            CallerArn: caller,
          }),
      ContextEntries: Object.entries(cell.context).map(([key, value]) =>
        contextEntryOf(key, value),
      ),
    });
    const { decision, verdict } = verdictOf(result);
    const sources = (result?.MatchedStatements ?? []).map(
      (s) => `${s.SourcePolicyType ?? "policy"}:${s.SourcePolicyId ?? "?"}`,
    );
    results.push({
      cell,
      expected: cell.expected,
      actual: decision,
      verdict,
      engine: "aws-iam-simulator",
      ok: decision === cell.expected,
      decidedBy: [...new Set(sources)],
      ignoredContextKeys: [],
    });
  }
  return results;
}

// ---------------------------------------------------------------------------
// The whole check, as `strongbox access` runs it.

export type EngineChoice = "auto" | "aws" | "local";

export interface AccessCheckInput {
  config: StrongboxConfig;
  /** Credentials that may read the roles', bucket's and key's policies (the Admin session). */
  credentials: Credentials;
  engine: EngineChoice;
  signal?: AbortSignal;
}

const accountOf = (roleArn: string): string => roleArn.split(":")[4] ?? "";

/** The contract's target, from the config `strongbox configure` wrote. */
export function contractTargetOf(config: StrongboxConfig): ContractTarget {
  const accountId = accountOf(config.roles.admin);
  const logGroup = config.monitoring?.logGroupName;
  return {
    accountId,
    region: config.region,
    bucketArn: `arn:aws:s3:::${config.bucket}`,
    kmsKeyArn: config.kmsKeyArn,
    roleArns: config.roles,
    uploaderCanOverwrite: config.uploaderCanOverwrite,
    adminMfaMaxAgeSeconds: config.adminMfaMaxAgeSeconds,
    monitoring:
      logGroup === undefined
        ? undefined
        : { logGroupArn: `arn:aws:logs:${config.region}:${accountId}:log-group:${logGroup}` },
  };
}

function isAccessDenied(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? "";
  return /AccessDenied|UnauthorizedOperation|Forbidden/.test(name);
}

function readFailure(err: unknown): StrongboxError {
  if (err instanceof StrongboxError) return err;
  if (isAccessDenied(err)) {
    return new StrongboxError(
      "access-denied",
      "access denied while reading the deployed policies (IAM role policies, bucket policy, key policy)",
      {
        hint: "the session needs iam:GetRole, iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, iam:GetPolicy, iam:GetPolicyVersion, s3:GetBucketPolicy and kms:GetKeyPolicy",
        cause: err,
      },
    );
  }
  return mapAwsError(err, { action: "ReadAudit", role: "admin" });
}

/** Reads the policies back, evaluates the contract with the chosen engine, folds it into the table. */
export async function checkAccess(input: AccessCheckInput): Promise<AccessReport> {
  const { config, credentials } = input;
  const target = contractTargetOf(config);
  const cells = buildContract(target);
  const iam = new IAMClient(baseClientConfig(config, credentials));
  let policies: AccessPolicies;
  try {
    policies = await readDeployedPolicies(
      {
        iam,
        s3: createS3Client(config, credentials),
        kms: new KMSClient(baseClientConfig(config, credentials)),
      },
      {
        accountId: target.accountId,
        bucketName: config.bucket,
        kmsKeyArn: config.kmsKeyArn,
        roleArns: config.roles,
      },
    );
  } catch (err) {
    throw readFailure(err);
  }

  const wantAws =
    input.engine === "aws" || (input.engine === "auto" && config.endpoint === undefined);
  if (wantAws) {
    try {
      const results = await evaluateWithIamSimulator(
        cells,
        policies,
        iamSimulatorOf(iam, input.signal),
      );
      return buildAccessReport(results, "aws-iam-simulator", AWS_ENGINE_CAVEAT);
    } catch (err) {
      if (input.engine === "aws" || !isAccessDenied(err)) {
        throw isAccessDenied(err)
          ? new StrongboxError(
              "access-denied",
              "IAM's policy simulator refused the request (iam:SimulateCustomPolicy)",
              {
                hint: "grant the Admin role iam:SimulateCustomPolicy, or use --engine local",
                cause: err,
              },
            )
          : readFailure(err);
      }
      const results = fromLocalEngine(await evaluateContract(cells, policies));
      return buildAccessReport(
        results,
        "iam-simulate",
        "IAM's policy simulator refused the request (iam:SimulateCustomPolicy denied), so the local engine answered",
      );
    }
  }
  const results = fromLocalEngine(await evaluateContract(cells, policies));
  return buildAccessReport(
    results,
    "iam-simulate",
    config.endpoint === undefined
      ? undefined
      : `the emulator at ${config.endpoint} has no IAM policy simulator`,
  );
}
