import { describe, expect, test } from "vitest";
import { buildContract } from "../../../../src/core/access/contract.js";
import {
  policyMutations,
  runMutations,
  statementVerdicts,
} from "../../../support/policy-mutations.js";
import { ROLE_ARNS, referencePolicies, TARGET } from "./reference-policies.js";

describe("mutation testing of the access contract", () => {
  test("every statement of the reference policies is seen by the contract", async () => {
    const outcomes = await runMutations(buildContract(TARGET), referencePolicies());
    expect(outcomes.length).toBeGreaterThan(40);
    const verdicts = statementVerdicts(outcomes);
    expect(verdicts.filter((v) => v.killed.length === 0).map((v) => v.statement)).toEqual([]);
    // Defence in depth: the key policy's denies and the roles' kms:ViaService
    // conditions each keep KMS use inside S3 on their own.
    expect(outcomes.filter((o) => !o.killed).map((o) => o.mutation.id)).toEqual([
      "key-policy/DenyRolesOutsideS3/drop",
      "key-policy/DenyRolesOtherBuckets/drop",
      "key-policy/DenyRolesOtherBuckets/flip-effect",
      "identity:uploader:strongbox-uploader/KmsViaS3/drop-condition",
      "identity:viewer:strongbox-viewer/KmsViaS3/drop-condition",
      "identity:admin:strongbox-admin/KmsViaS3/drop-condition",
    ]);
  }, 120_000);

  test("service-principal statements are out of the roles' scope", () => {
    const policies = referencePolicies();
    const key = policies.keyPolicy as { Statement: Array<Record<string, unknown>> };
    key.Statement.push({
      Sid: "CloudTrailEncrypt",
      Effect: "Allow",
      Principal: { Service: "cloudtrail.amazonaws.com" },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
    });
    const mutations = policyMutations(policies, Object.values(ROLE_ARNS)).filter(
      (m) => m.statement === "CloudTrailEncrypt",
    );
    expect(mutations.map((m) => [m.operator, m.inScope])).toEqual([
      ["drop", false],
      ["flip-effect", false],
    ]);
    const scope = (sid: string) =>
      policyMutations(policies, Object.values(ROLE_ARNS)).find((m) => m.statement === sid)?.inScope;
    expect(scope("DenyRolesOutsideS3")).toBe(true); // names the roles
    expect(scope("DenyInsecureTransport")).toBe(true); // Principal "*"
    expect(scope("EnableIamPolicies")).toBe(false); // the account root: key administrators
  });
});
