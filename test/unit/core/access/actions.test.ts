import { describe, expect, test } from "vitest";
import { ACTION_ROLES, IAM_ACTIONS_OF, REPLACERS } from "../../../../src/core/access/actions.js";
import { buildContract } from "../../../../src/core/access/contract.js";
import { ROLES } from "../../../../src/core/roles.js";
import { TARGET } from "./reference-policies.js";

describe("ACTION_ROLES: who may do what, derived from the access contract", () => {
  test("is the §2 table", () => {
    expect(ACTION_ROLES).toEqual({
      PutObject: { roles: ["uploader", "admin"] },
      CreateMultipartUpload: { roles: ["uploader", "admin"] },
      UploadPart: { roles: ["uploader", "admin"] },
      CompleteMultipartUpload: { roles: ["uploader", "admin"] },
      AbortMultipartUpload: { roles: ["uploader", "admin"] },
      ListParts: { roles: ["uploader", "admin"] },
      ListMultipartUploads: { roles: ["admin"] },
      GetObject: { roles: ["viewer", "admin"] },
      HeadObject: { roles: ["viewer", "admin"] },
      ListObjectsV2: { roles: ["viewer", "admin"] },
      ListObjectVersions: { roles: ["viewer", "admin"] },
      DeleteObject: { roles: ["admin"] },
      DeleteObjectVersion: { roles: ["admin"], mfa: true },
      RestoreVersion: { roles: ["admin"] },
      AssumeRole: { roles: [] },
      ReadAudit: { roles: ["admin"] },
    });
  });

  test("agrees with the contract's cells: a role may act when every IAM action it needs is allowed", () => {
    const base = buildContract(TARGET).filter((c) => c.variant === undefined);
    for (const [action, needs] of Object.entries(IAM_ACTIONS_OF)) {
      for (const role of ROLES) {
        const cells = needs.map((iam) => base.find((c) => c.role === role && c.action === iam));
        const contractAllows = cells.every((c) => c?.expected === "allow");
        expect(
          ACTION_ROLES[action as keyof typeof IAM_ACTIONS_OF].roles.includes(role),
          `${role} ${action}`,
        ).toBe(contractAllows);
      }
    }
  });

  test("only the Admin replaces an existing key (the Uploader's writes are create-only)", () => {
    expect(REPLACERS).toEqual(["admin"]);
  });
});
