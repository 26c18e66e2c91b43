import { ROLES, type Role } from "../roles.js";
import { CAPABILITIES, type Capability } from "./contract-table.js";
import type { Decision } from "./contract-types.js";
import type { CellResult } from "./evaluate.js";

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
  /** Rows of the contract this check could not evaluate, each with why and what to do. */
  omitted: string[];
  /** What the policies read back say about the results (e.g. a bucket with no policy). */
  notes: string[];
  capabilities: Array<{ id: Capability; description: string }>;
  roles: readonly Role[];
  matrix: MatrixEntry[];
  flagged: FlaggedCell[];
  totals: { cells: number; matching: number; differing: number };
}

const MFA_VARIANTS = new Set(["no-mfa", "mfa-key-absent"]);

/** Principals outside the roles whose cells sit in a role's column, as the table names them. */
const ACTOR_LABELS: Record<NonNullable<EvaluatedCell["cell"]["actor"]>, string> = {
  "key-administrator": "key administrators",
  "trail-log-reader": "trail log readers",
};

/**
 * One table entry's value: the role's own cells, then each other principal
 * checked in its column apart ("no (key administrators: yes)"), so a key
 * administrator's allowed actions never read as the Admin role's.
 */
function summarize(
  capability: Capability,
  group: EvaluatedCell[],
  pick: (cell: EvaluatedCell) => Decision,
): string {
  const own = group.filter((c) => c.cell.actor === undefined);
  const others = (Object.keys(ACTOR_LABELS) as (keyof typeof ACTOR_LABELS)[])
    .map((actor) => [actor, group.filter((c) => c.cell.actor === actor)] as const)
    .filter(([, cells]) => cells.length > 0)
    .map(([actor, cells]) => `${ACTOR_LABELS[actor]}: ${summarizeCells(capability, cells, pick)}`);
  if (own.length === 0) return others.join("; ");
  const value = summarizeCells(capability, own, pick);
  return others.length === 0 ? value : `${value} (${others.join("; ")})`;
}

function summarizeCells(
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
  omitted: string[] = [],
  notes: string[] = [],
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
    omitted,
    notes,
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
