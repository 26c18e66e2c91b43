import type { ContractCell } from "../../../../src/core/access/contract.js";
import type { AccessEngine, EvaluatedCell } from "../../../../src/core/access/report.js";

/**
 * Every cell decided as the contract says, except the ids in `flipped`, as
 * `engine` reports it (the verdict words differ between the two engines).
 */
export function evaluatedAsContract(
  cells: ContractCell[],
  options: { flipped?: string[]; engine?: AccessEngine; decidedBy?: string[] } = {},
): EvaluatedCell[] {
  const { flipped = [], engine = "iam-simulate", decidedBy = [] } = options;
  return cells.map((cell) => {
    const flip = cell.expected === "allow" ? "deny" : "allow";
    const actual = flipped.includes(cell.id) ? flip : cell.expected;
    const allowed = actual === "allow";
    return {
      cell,
      expected: cell.expected,
      actual,
      verdict:
        engine === "aws-iam-simulator"
          ? allowed
            ? "allowed"
            : "implicitDeny"
          : allowed
            ? "Allowed"
            : "ImplicitlyDenied",
      engine,
      ok: actual === cell.expected,
      decidedBy,
      ignoredContextKeys: [],
    };
  });
}
