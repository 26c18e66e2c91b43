import { ROLES } from "../roles.js";
import { evaluateContract, extraPolicyFor, isTrustCell, loadIamSimulate, } from "./evaluate.js";
const statementsOf = (document) => Array.isArray(document.Statement) ? document.Statement : [document.Statement];
/**
 * A statement is in the contract's scope when it speaks to the role sessions:
 * every identity statement, and resource-policy statements whose principal is
 * `*` or names one of the roles. Statements for key administrators (the
 * account root) or services (CloudTrail, Logs, SNS) govern other callers.
 */
function governsRoles(statement, location, roleArns) {
    // Identity statements are the roles'; a trust policy speaks to who becomes one.
    if (location.kind === "identity" || location.kind === "trust")
        return true;
    if (statement.NotPrincipal !== undefined)
        return true;
    const principal = statement.Principal;
    if (principal === "*")
        return true;
    if (typeof principal !== "object" || principal === null)
        return false;
    const aws = principal.AWS;
    const named = Array.isArray(aws) ? aws : [aws];
    return named.some((p) => p === "*" || (typeof p === "string" && roleArns.includes(p)));
}
function mutateStatement(statement, operator) {
    switch (operator) {
        case "drop":
            return null;
        case "flip-effect":
            return { ...statement, Effect: statement.Effect === "Allow" ? "Deny" : "Allow" };
        case "drop-condition": {
            if (statement.Condition === undefined)
                return undefined; // not applicable
            const { Condition: _dropped, ...rest } = statement;
            return rest;
        }
    }
}
function withDocument(policies, location, document) {
    switch (location.kind) {
        case "bucket":
            return { ...policies, bucketPolicy: document };
        case "key":
            return { ...policies, keyPolicy: document };
        case "resource":
            return {
                ...policies,
                extraResourcePolicies: (policies.extraResourcePolicies ?? []).map((p) => p.name === location.name ? { ...p, document } : p),
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
                    [location.role]: policies.identityPolicies[location.role].map((p) => p.name === location.name ? { ...p, document } : p),
                },
            };
    }
}
const locationLabel = (l) => l.kind === "identity"
    ? `identity:${l.role}:${l.name}`
    : l.kind === "resource"
        ? `resource-policy:${l.name}`
        : l.kind === "trust"
            ? `trust-policy:${l.role}`
            : `${l.kind}-policy`;
/** Every single-statement mutation of every policy. */
export function policyMutations(policies, roleArns) {
    const documents = [
        [{ kind: "bucket" }, policies.bucketPolicy],
        [{ kind: "key" }, policies.keyPolicy],
        ...(policies.extraResourcePolicies ?? []).map((p) => [
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
    const mutations = [];
    for (const [location, document] of documents) {
        if (document === undefined)
            continue;
        const statements = statementsOf(document);
        statements.forEach((statement, index) => {
            const label = statement.Sid ? statement.Sid : `#${index}`;
            for (const operator of ["drop", "flip-effect", "drop-condition"]) {
                const mutated = mutateStatement(statement, operator);
                if (mutated === undefined)
                    continue;
                const Statement = statements.flatMap((s, i) => i !== index ? [s] : mutated === null ? [] : [mutated]);
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
function cellsGovernedBy(location, cells, policies) {
    const unclaimed = (c) => extraPolicyFor(c.resource, policies) === undefined;
    switch (location.kind) {
        case "bucket":
            return cells.filter((c) => c.action.startsWith("s3:") && unclaimed(c));
        case "key":
            return cells.filter((c) => c.action.startsWith("kms:") && unclaimed(c));
        case "resource":
            return cells.filter((c) => c.resource === location.arn || c.resource.startsWith(`${location.arn}/`));
        case "trust":
            return cells.filter((c) => isTrustCell(c) && c.role === location.role);
        case "identity":
            return cells.filter((c) => c.role === location.role && !isTrustCell(c) && c.actor === undefined);
    }
}
/**
 * Runs every mutation. A mutation is killed when some cell's decision differs
 * from the unmutated policies' decision, so a cell that is already wrong
 * (reported by the plain evaluation) cannot make a mutation look noticed.
 */
export async function runMutations(cells, policies) {
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
        ...new Set(cells
            .filter((c) => c.actor === undefined && !isTrustCell(c))
            .flatMap((c) => c.context["aws:PrincipalArn"])),
    ].filter((arn) => typeof arn === "string");
    const outcomes = [];
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
/**
 * Per statement: a statement is seen by the contract when at least one of its
 * mutations is killed. A surviving mutation of a seen statement is defence in
 * depth (another statement makes the same cells right), e.g. a role's
 * `kms:ViaService` condition backed by the key policy's deny.
 */
export function statementVerdicts(outcomes) {
    const verdicts = new Map();
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
