import { ROLES } from "../roles.js";
import { CAPABILITIES } from "./contract-table.js";
export const ENGINE_DESCRIPTIONS = {
    "aws-iam-simulator": "AWS IAM policy simulator (SimulateCustomPolicy) in the account",
    "iam-simulate": "@cloud-copilot/iam-simulate on this machine (optional package, AGPL-3.0)",
};
const MFA_VARIANTS = new Set(["no-mfa", "mfa-key-absent"]);
/** One table entry's value from the cells of one (role, capability), by `pick`. */
function summarize(capability, group, pick) {
    const base = group.filter((c) => c.cell.variant === undefined);
    const considered = base.length > 0 ? base : group;
    const allowed = considered.filter((c) => pick(c) === "allow");
    if (capability === "kms") {
        const actions = [...new Set(allowed.map((c) => c.cell.action.replace(/^kms:/, "")))];
        return actions.length === 0 ? "no" : actions.join("+");
    }
    if (allowed.length === 0)
        return "no";
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
export function buildAccessReport(results, engine, engineNote) {
    const capabilities = Object.keys(CAPABILITIES).filter((capability) => results.some((r) => r.cell.capability === capability));
    const matrix = [];
    for (const capability of capabilities) {
        for (const role of ROLES) {
            const group = results.filter((r) => r.cell.capability === capability && r.cell.role === role);
            if (group.length === 0)
                continue;
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
        .map((r) => ({
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
    }));
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
export const fromLocalEngine = (results) => results.map((r) => ({ ...r, engine: "iam-simulate" }));
