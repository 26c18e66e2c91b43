import type { ContractCell } from "../../src/core/access/contract.js";
import {
  type AccessPolicies,
  evaluateContract,
  extraPolicyFor,
  isTrustCell,
  loadIamSimulate,
  type PolicyDocument,
  type PolicyStatement,
} from "../../src/core/access/evaluate.js";
import { ROLES } from "../../src/core/roles.js";

/**
 * Mutation testing of the access check: each statement of each policy is
 * broken in a copy (dropped, its Effect flipped, its Condition removed) and
 * the contract re-evaluated. A mutation is killed when at least one cell
 * changes its decision; a surviving mutation means the contract cannot see
 * that statement.
 */

export type MutationOperator = "drop" | "flip-effect" | "drop-condition";

/** Which policy a statement lives in: `bucket`, `key`, another resource's, `trust:<role>` or `identity:<role>:<policy name>`. */
export type PolicyLocation =
  | { kind: "bucket" }
  | { kind: "key" }
  | { kind: "resource"; name: string; arn: string }
  | { kind: "trust"; role: (typeof ROLES)[number] }
  | { kind: "identity"; role: (typeof ROLES)[number]; name: string };

export interface PolicyMutation {
  id: string;
  location: PolicyLocation;
  /** The statement's Sid, or its index when it has none. */
  statement: string;
  operator: MutationOperator;
  /**
   * False for resource-policy statements addressed to other callers (key
   * administrators, services such as CloudTrail): the contract is not
   * expected to see them.
   */
  inScope: boolean;
  policies: AccessPolicies;
}

export interface MutationOutcome {
  mutation: Omit<PolicyMutation, "policies">;
  killed: boolean;
  /** The first cell whose decision changed from the unmutated one (evaluation stops there). */
  killedBy: string[];
}

const statementsOf = (document: PolicyDocument): PolicyStatement[] =>
  Array.isArray(document.Statement) ? document.Statement : [document.Statement];

/**
 * A statement is in the contract's scope when it speaks to the role sessions:
 * every identity statement, and resource-policy statements whose principal is
 * `*` or names one of the roles. Statements for key administrators (the
 * account root) or services (CloudTrail, Logs, SNS) govern other callers.
 */
function governsRoles(
  statement: PolicyStatement,
  location: PolicyLocation,
  roleArns: readonly string[],
): boolean {
  // Identity statements are the roles'; a trust policy speaks to who becomes one.
  if (location.kind === "identity" || location.kind === "trust") return true;
  if (statement.NotPrincipal !== undefined) return true;
  const principal = statement.Principal;
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  const aws = (principal as Record<string, unknown>).AWS;
  const named = Array.isArray(aws) ? aws : [aws];
  return named.some((p) => p === "*" || (typeof p === "string" && roleArns.includes(p)));
}

function mutateStatement(
  statement: PolicyStatement,
  operator: MutationOperator,
): PolicyStatement | null | undefined {
  switch (operator) {
    case "drop":
      return null;
    case "flip-effect":
      return { ...statement, Effect: statement.Effect === "Allow" ? "Deny" : "Allow" };
    case "drop-condition": {
      if (statement.Condition === undefined) return undefined; // not applicable
      const { Condition: _dropped, ...rest } = statement;
      return rest as PolicyStatement;
    }
  }
}

function withDocument(
  policies: AccessPolicies,
  location: PolicyLocation,
  document: PolicyDocument,
): AccessPolicies {
  switch (location.kind) {
    case "bucket":
      return { ...policies, bucketPolicy: document };
    case "key":
      return { ...policies, keyPolicy: document };
    case "resource":
      return {
        ...policies,
        extraResourcePolicies: (policies.extraResourcePolicies ?? []).map((p) =>
          p.name === location.name ? { ...p, document } : p,
        ),
      };
    case "trust":
      return {
        ...policies,
        trustPolicies: { ...policies.trustPolicies, [location.role]: document },
      };
    case "identity":
      return {
        ...policies,
        identityPolicies: {
          ...policies.identityPolicies,
          [location.role]: policies.identityPolicies[location.role].map((p) =>
            p.name === location.name ? { ...p, document } : p,
          ),
        },
      };
  }
}

const locationLabel = (l: PolicyLocation) =>
  l.kind === "identity"
    ? `identity:${l.role}:${l.name}`
    : l.kind === "resource"
      ? `resource-policy:${l.name}`
      : l.kind === "trust"
        ? `trust-policy:${l.role}`
        : `${l.kind}-policy`;

/** Every single-statement mutation of every policy. */
export function policyMutations(
  policies: AccessPolicies,
  roleArns: readonly string[],
): PolicyMutation[] {
  const documents: Array<[PolicyLocation, PolicyDocument | undefined]> = [
    [{ kind: "bucket" }, policies.bucketPolicy],
    [{ kind: "key" }, policies.keyPolicy],
    ...(policies.extraResourcePolicies ?? []).map((p): [PolicyLocation, PolicyDocument] => [
      { kind: "resource", name: p.name, arn: p.arn },
      p.document,
    ]),
  ];
  for (const role of ROLES) {
    documents.push([{ kind: "trust", role }, policies.trustPolicies?.[role]]);
    for (const p of policies.identityPolicies[role]) {
      documents.push([{ kind: "identity", role, name: p.name }, p.document]);
    }
  }
  const mutations: PolicyMutation[] = [];
  for (const [location, document] of documents) {
    if (document === undefined) continue;
    const statements = statementsOf(document);
    statements.forEach((statement, index) => {
      const label = statement.Sid ? statement.Sid : `#${index}`;
      for (const operator of ["drop", "flip-effect", "drop-condition"] as const) {
        const mutated = mutateStatement(statement, operator);
        if (mutated === undefined) continue;
        const Statement = statements.flatMap((s, i) =>
          i !== index ? [s] : mutated === null ? [] : [mutated],
        );
        mutations.push({
          id: `${locationLabel(location)}/${label}/${operator}`,
          location,
          statement: label,
          operator,
          inScope: governsRoles(statement, location, roleArns),
          policies: withDocument(policies, location, { ...document, Statement }),
        });
      }
    });
  }
  return mutations;
}

/**
 * The cells a policy can influence: its resource's cells (the bucket and key
 * policies govern every s3:/kms: cell no extra resource policy claims), or its
 * role sessions' cells.
 */
function cellsGovernedBy(
  location: PolicyLocation,
  cells: ContractCell[],
  policies: AccessPolicies,
): ContractCell[] {
  const unclaimed = (c: ContractCell) => extraPolicyFor(c.resource, policies) === undefined;
  switch (location.kind) {
    case "bucket":
      return cells.filter((c) => c.action.startsWith("s3:") && unclaimed(c));
    case "key":
      return cells.filter((c) => c.action.startsWith("kms:") && unclaimed(c));
    case "resource":
      return cells.filter(
        (c) => c.resource === location.arn || c.resource.startsWith(`${location.arn}/`),
      );
    case "trust":
      return cells.filter((c) => isTrustCell(c) && c.role === location.role);
    case "identity":
      return cells.filter(
        (c) => c.role === location.role && !isTrustCell(c) && c.actor === undefined,
      );
  }
}

/**
 * Runs every mutation. A mutation is killed when some cell's decision differs
 * from the unmutated policies' decision, so a cell that is already wrong
 * (reported by the plain evaluation) cannot make a mutation look noticed.
 */
export async function runMutations(
  cells: ContractCell[],
  policies: AccessPolicies,
): Promise<MutationOutcome[]> {
  const simulator = await loadIamSimulate();
  const baseline = await evaluateContract(cells, policies, { simulator });
  // The cells, each expecting what the unmutated policies decide.
  // An explicit-deny cell stays one only where the unmutated policies deny explicitly.
  const asDeployed = baseline.map((r) => ({
    ...r.cell,
    expected: r.actual,
    explicitDeny: r.cell.explicitDeny === true && r.verdict === "ExplicitlyDenied",
  }));
  // The role sessions' ARNs only: statements naming a key administrator, a
  // trail log reader or a trust cell's caller are addressed to them, not to the
  // roles (trust statements are in scope anyway, see governsRoles).
  const roleArns = [
    ...new Set(
      cells
        .filter((c) => c.actor === undefined && !isTrustCell(c))
        .flatMap((c) => c.context["aws:PrincipalArn"]),
    ),
  ].filter((arn): arn is string => typeof arn === "string");
  const outcomes: MutationOutcome[] = [];
  for (const { policies: mutated, ...mutation } of policyMutations(policies, roleArns)) {
    const governed = cellsGovernedBy(mutation.location, asDeployed, policies);
    const results = await evaluateContract(governed, mutated, {
      simulator,
      stopAtFirstMismatch: true,
    });
    const killedBy = results.filter((r) => !r.ok).map((r) => r.cell.id);
    outcomes.push({ mutation, killed: killedBy.length > 0, killedBy });
  }
  return outcomes;
}

export interface StatementVerdict {
  /** `location/statement`, e.g. `bucket-policy/DenyInsecureTransport`. */
  statement: string;
  inScope: boolean;
  /** Mutations of this statement that some cell noticed / that none did. */
  killed: MutationOperator[];
  survived: MutationOperator[];
}

/**
 * Per statement: a statement is seen by the contract when at least one of its
 * mutations is killed. A surviving mutation of a seen statement is defence in
 * depth (another statement makes the same cells right), e.g. a role's
 * `kms:ViaService` condition backed by the key policy's deny.
 */
export function statementVerdicts(outcomes: MutationOutcome[]): StatementVerdict[] {
  const verdicts = new Map<string, StatementVerdict>();
  for (const { mutation, killed } of outcomes) {
    const statement = mutation.id.slice(0, mutation.id.lastIndexOf("/"));
    const verdict = verdicts.get(statement) ?? {
      statement,
      inScope: mutation.inScope,
      killed: [],
      survived: [],
    };
    (killed ? verdict.killed : verdict.survived).push(mutation.operator);
    verdicts.set(statement, verdict);
  }
  return [...verdicts.values()];
}
