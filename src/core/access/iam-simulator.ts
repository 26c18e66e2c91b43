import {
  type ContextEntry,
  type ContextKeyTypeEnum,
  type EvaluationResult,
  type IAMClient,
  SimulateCustomPolicyCommand,
  type SimulateCustomPolicyCommandInput,
} from "@aws-sdk/client-iam";
import { arnOf } from "../arn.js";
import type { ContextValue, ContractCell, Decision } from "./contract-types.js";
import { type AccessPolicies, bucketOrKeyPolicyFor, type PolicyDocument } from "./evaluate.js";
import type { EvaluatedCell } from "./report.js";

/**
 * The real-account engine of `strongbox access`: IAM's own policy simulator
 * (SimulateCustomPolicy), with the bucket policy or key policy as the resource
 * policy. (The local engine, @cloud-copilot/iam-simulate, is evaluate.ts.)
 */

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
export const standInCallerOf = (policies: Pick<AccessPolicies, "partition" | "accountId">) =>
  arnOf(policies.partition, "iam", "", policies.accountId, "user/strongbox-access-check");

export const AWS_ENGINE_CAVEAT =
  "IAM's simulator needs an IAM user as the caller with a resource policy: the role's policies are simulated for a stand-in user, with aws:PrincipalArn set to the role, and a bucket or key policy statement that names the role as Principal is simulated as naming that user.";

/**
 * The resource policy as the stand-in caller meets it: a statement naming the
 * principal the cell acts as (`aws:PrincipalArn`) names the caller instead, so
 * the key policy's grants to a role (the keys do not delegate to IAM) decide
 * as they would for the role. Conditions still see the role's ARN.
 */
export function asSeenByCaller(
  document: PolicyDocument,
  acting: string | undefined,
  caller: string,
): PolicyDocument {
  if (acting === undefined) return document;
  const swap = (value: unknown): unknown => {
    if (value === acting) return caller;
    if (Array.isArray(value)) return value.map(swap);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, k === "AWS" ? swap(v) : v]),
      );
    }
    return value;
  };
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return {
    ...document,
    Statement: statements.map((statement) => ({
      ...statement,
      ...("Principal" in statement ? { Principal: swap(statement.Principal) } : {}),
      ...("NotPrincipal" in statement ? { NotPrincipal: swap(statement.NotPrincipal) } : {}),
    })),
  };
}

const actingArn = (cell: ContractCell): string | undefined => {
  const arn = cell.context["aws:PrincipalArn"];
  return typeof arn === "string" ? arn : undefined;
};

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
  const caller = standInCallerOf(policies);
  for (const cell of cells) {
    const resourcePolicy = bucketOrKeyPolicyFor(cell, policies);
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
            ResourcePolicy: json(asSeenByCaller(resourcePolicy, actingArn(cell), caller)),
            ResourceOwner: arnOf(policies.partition, "iam", "", policies.accountId, "root"),
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
