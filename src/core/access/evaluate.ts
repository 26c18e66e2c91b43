import { StrongboxError } from "../errors.js";
import type { Role } from "../roles.js";
import type { ContractCell, Decision, RequestContext } from "./contract.js";

/** An IAM policy document as AWS returns it (parsed JSON). */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}
export type PolicyStatement = Record<string, unknown> & { Effect: "Allow" | "Deny"; Sid?: string };

export interface NamedPolicy {
  /** e.g. `inline:strongbox-uploader` or the managed policy's ARN. */
  name: string;
  document: PolicyDocument;
}

/** Every policy that decides a role session's access to the bucket and the key. */
export interface AccessPolicies {
  /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
  partition: string;
  accountId: string;
  /** Inline and attached policies of each role. */
  identityPolicies: Record<Role, NamedPolicy[]>;
  /** Each role's permissions boundary, if it has one. */
  permissionBoundaries?: Partial<Record<Role, NamedPolicy>>;
  /** Resource policy for `s3:` actions; undefined when the bucket has none. */
  bucketPolicy: PolicyDocument | undefined;
  /** Resource policy for `kms:` actions. */
  keyPolicy: PolicyDocument | undefined;
  /**
   * Resource policies of other resources (the trail log bucket, the monitoring
   * key): a cell whose resource is `arn` or under `arn/` is decided with this
   * policy instead of the bucket or key policy.
   */
  extraResourcePolicies?: ResourcePolicy[];
  /** Each role's trust policy: the resource policy of `sts:` actions on the role. */
  trustPolicies?: Partial<Record<Role, PolicyDocument>>;
}

export interface ResourcePolicy {
  /** e.g. `trail-log-bucket`, `monitoring-key`. */
  name: string;
  arn: string;
  document: PolicyDocument;
}

/** The extra resource policy governing a resource, if any. */
export function extraPolicyFor(
  resource: string,
  policies: Pick<AccessPolicies, "extraResourcePolicies">,
): ResourcePolicy | undefined {
  return policies.extraResourcePolicies?.find(
    (p) => resource === p.arn || resource.startsWith(`${p.arn}/`),
  );
}

export type EngineName = "iam-simulate";

export interface CellResult {
  cell: ContractCell;
  expected: Decision;
  actual: Decision;
  /** The engine's own verdict: Allowed, ExplicitlyDenied or ImplicitlyDenied. */
  verdict: string;
  engine: EngineName;
  ok: boolean;
  /** The statements that decided it, as `policy#sid-or-index`. */
  decidedBy: string[];
  /** Context keys the engine did not apply to this action (normally none). */
  ignoredContextKeys: string[];
}

type IamSimulate = typeof import("@cloud-copilot/iam-simulate");
type Simulation = import("@cloud-copilot/iam-simulate").Simulation;
type RequestAnalysis = import("@cloud-copilot/iam-simulate").RequestAnalysis;

export const IAM_SIMULATE_PACKAGE = "@cloud-copilot/iam-simulate";

/**
 * Loads the policy simulator on demand. It is AGPL-3.0, so Strongbox never
 * depends on it at runtime: a user opts in by installing it.
 */
export async function loadIamSimulate(
  importer: () => Promise<unknown> = () => import("@cloud-copilot/iam-simulate"),
): Promise<IamSimulate> {
  try {
    const loaded = (await importer()) as IamSimulate;
    if (typeof loaded.runSimulation !== "function") throw new Error("no runSimulation export");
    return loaded;
  } catch (cause) {
    throw new StrongboxError(
      "failed",
      `Evaluating the access contract locally needs the optional package ${IAM_SIMULATE_PACKAGE}, which is not installed.`,
      {
        hint: `install the optional package with \`npm install ${IAM_SIMULATE_PACKAGE}\` (AGPL-3.0; Strongbox itself does not ship it)`,
        cause,
      },
    );
  }
}

/*
 * iam-simulate (0.1.x) drops `kms:EncryptionContext:<key>` from the request
 * context: its matcher for variable condition keys expects the variable after a
 * '/', and S3's context key `aws:s3:arn` has ':' in it. Conditions on it would
 * then see the key as absent. We evaluate those conditions faithfully under a
 * stand-in global key with the same string semantics, renamed consistently in
 * the policies and the request context.
 */
const EC_PREFIX = "kms:encryptioncontext:";
const EC_STAND_IN = "aws:PrincipalTag/strongbox-kms-encryption-context.";
const standInKey = (key: string) =>
  key.toLowerCase().startsWith(EC_PREFIX) ? EC_STAND_IN + key.slice(EC_PREFIX.length) : key;

function renameConditionKeys(document: PolicyDocument): PolicyDocument {
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return {
    ...document,
    Statement: statements.map((statement) => {
      const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
      if (condition === undefined) return statement;
      const renamed = Object.fromEntries(
        Object.entries(condition).map(([operator, keys]) => [
          operator,
          Object.fromEntries(Object.entries(keys).map(([key, value]) => [standInKey(key), value])),
        ]),
      );
      return { ...statement, Condition: renamed };
    }),
  };
}

const renameContext = (context: RequestContext): RequestContext =>
  Object.fromEntries(Object.entries(context).map(([key, value]) => [standInKey(key), value]));

/**
 * The bucket or key policy deciding a cell with the identity policies: the
 * policy of the extra resource it names, else the main bucket's or the data
 * key's (trust policies aside). Both engines use it.
 */
export function bucketOrKeyPolicyFor(
  cell: ContractCell,
  policies: AccessPolicies,
): PolicyDocument | undefined {
  const extra = extraPolicyFor(cell.resource, policies);
  if (extra !== undefined) return extra.document;
  if (cell.action.startsWith("s3:")) return policies.bucketPolicy;
  if (cell.action.startsWith("kms:")) return policies.keyPolicy;
  return undefined;
}

function resourcePolicyFor(
  cell: ContractCell,
  policies: AccessPolicies,
): PolicyDocument | undefined {
  if (isTrustCell(cell)) return policies.trustPolicies?.[cell.role];
  return bucketOrKeyPolicyFor(cell, policies);
}

/** A trust-policy cell: the caller is a person's identity, not the role session. */
export const isTrustCell = (cell: ContractCell): boolean => cell.action.startsWith("sts:");

function resourceAccount(resource: string, accountId: string): string {
  // S3 ARNs carry no account; the bucket is the deployment's.
  const parts = resource.split(":");
  return parts.length > 4 && parts[4] !== "" ? (parts[4] as string) : accountId;
}

interface AnalysedStatement {
  policyId: string | undefined;
  explain: { identifier: string };
}
function decisiveStatements(analysis: RequestAnalysis): string[] {
  const pick = (statements: AnalysedStatement[] | undefined, kind: string) =>
    (statements ?? []).map((s) => `${s.policyId ?? kind}#${s.explain.identifier}`);
  const denies = [
    ...pick(analysis.identityAnalysis?.denyStatements, "identity"),
    ...pick(analysis.resourceAnalysis?.denyStatements, "resource-policy"),
    ...pick(analysis.permissionBoundaryAnalysis?.denyStatements, "boundary"),
  ];
  if (denies.length > 0 || analysis.result !== "Allowed") return denies;
  return [
    ...pick(analysis.identityAnalysis?.allowStatements, "identity"),
    ...pick(analysis.resourceAnalysis?.allowStatements, "resource-policy"),
  ];
}

/** Builds the simulator's input for one cell. */
export function simulationFor(cell: ContractCell, policies: AccessPolicies): Simulation {
  const resourcePolicy = resourcePolicyFor(cell, policies);
  // A trust cell's caller is a person named in the trust policy, and a key
  // administrator or trail log reader is judged by the resource policy naming
  // it: their own policies are not the deployment's.
  const trust = isTrustCell(cell);
  const roleSession = !trust && cell.actor === undefined;
  const boundary = roleSession ? policies.permissionBoundaries?.[cell.role] : undefined;
  return {
    request: {
      principal: cell.principal,
      action: cell.action,
      resource: {
        resource: cell.resource,
        accountId: resourceAccount(cell.resource, policies.accountId),
      },
      contextVariables: renameContext(cell.context),
    },
    identityPolicies: (roleSession ? policies.identityPolicies[cell.role] : []).map((p) => ({
      name: p.name,
      policy: renameConditionKeys(p.document),
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(resourcePolicy === undefined
      ? {}
      : { resourcePolicy: renameConditionKeys(resourcePolicy) }),
    ...(boundary === undefined
      ? {}
      : {
          permissionBoundaryPolicies: [
            { name: boundary.name, policy: renameConditionKeys(boundary.document) },
          ],
        }),
  };
}

/**
 * Evaluates every cell against the policies with iam-simulate: identity
 * policies, bucket policy (S3) or key policy (KMS, where a grant to the
 * account root delegates to IAM) and permissions boundary together, the way
 * IAM does for a same-account request.
 */
export async function evaluateContract(
  cells: ContractCell[],
  policies: AccessPolicies,
  options: { simulator?: IamSimulate; stopAtFirstMismatch?: boolean } = {},
): Promise<CellResult[]> {
  const simulator = options.simulator ?? (await loadIamSimulate());
  const results: CellResult[] = [];
  for (const cell of cells) {
    const response = await simulator.runSimulation(simulationFor(cell, policies), {});
    if (response.resultType === "error") {
      throw new StrongboxError(
        "failed",
        `The policies could not be evaluated for ${cell.id}: ${response.errors.message}`,
        { cause: response.errors },
      );
    }
    // A "*" resource (actions without resource types) may come back per resource pattern.
    const perResource = response.resultType === "single" ? [response.result] : response.results;
    const actual: Decision = response.overallResult === "Allowed" ? "allow" : "deny";
    const explicitEnough =
      cell.explicitDeny !== true || response.overallResult === "ExplicitlyDenied";
    results.push({
      cell,
      expected: cell.expected,
      actual,
      verdict: response.overallResult,
      engine: "iam-simulate",
      ok: actual === cell.expected && explicitEnough,
      decidedBy: [...new Set(perResource.flatMap((r) => decisiveStatements(r.analysis)))],
      ignoredContextKeys: [...new Set(perResource.flatMap((r) => r.ignoredContextKeys ?? []))],
    });
    if (options.stopAtFirstMismatch && results.at(-1)?.ok === false) break;
  }
  return results;
}
