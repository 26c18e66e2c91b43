import {
  DeleteRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import {
  DeleteBucketPolicyCommand,
  GetBucketPolicyCommand,
  PutBucketPolicyCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../src/core/roles.js";
import { cliSandbox } from "./cli-helpers.js";
import { outputValue } from "./support/stack.js";

/*
 * `strongbox access` reads the deployed policies back from the emulator (IAM,
 * S3, KMS) and, since moto has no IAM policy simulator, evaluates the contract
 * with the local engine. Then the deployment is broken on purpose, once in a
 * role policy and once in the bucket policy, and the command must flag exactly
 * the cells that broke; each break is undone before the test ends.
 * envs/local leaves the bucket policy unattached (moto would refuse every
 * object request under it), so this file attaches Terraform's rendered policy
 * for its own duration and removes it afterwards.
 */

interface MatrixEntry {
  role: Role;
  capability: string;
  expected: string;
  actual: string;
  flagged: boolean;
}

describe("strongbox access on the local stack", () => {
  let sb: Awaited<ReturnType<typeof cliSandbox>>;
  let iam: IAMClient;
  let s3: S3Client;
  let bucket: string;
  let viewerRole: string;

  const access = async () => {
    const r = await sb.run(["access", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    return r.json() as {
      engine: string;
      engineNote: string | undefined;
      omitted: string[];
      notes: string[];
      matrix: MatrixEntry[];
      flagged: Array<{ id: string; expected: string; actual: string }>;
      totals: { cells: number; differing: number };
    };
  };
  const cell = (matrix: MatrixEntry[], capability: string, role: Role) =>
    matrix.find((m) => m.capability === capability && m.role === role);

  beforeAll(async () => {
    sb = await cliSandbox();
    const login = await sb.run(["login", "--role", "admin", "--profile", "local-admin"]);
    expect(login.code, login.stderr).toBe(0);
    // Moto's root credentials stand in for Terraform's deployer, who alone may change policies.
    const client = {
      region: outputValue<string>(sb.stack, "region"),
      endpoint: sb.stack.endpoint,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    };
    iam = new IAMClient(client);
    s3 = new S3Client({ ...client, forcePathStyle: true });
    bucket = outputValue<string>(sb.stack, "bucket_name");
    const roleArn = outputValue<Record<Role, string>>(sb.stack, "role_arns").viewer;
    viewerRole = roleArn.slice(roleArn.lastIndexOf("/") + 1);
    if (!outputValue<boolean>(sb.stack, "bucket_policy_attached")) {
      const Policy = outputValue<string>(sb.stack, "bucket_policy_json");
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy }));
    }
  });

  afterAll(async () => {
    if (!outputValue<boolean>(sb.stack, "bucket_policy_attached")) {
      await s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    }
  });

  it("the applied stack gives the contract's matrix, nothing flagged, answered by the local engine", async () => {
    const report = await access();
    expect(report.engine).toBe("iam-simulate");
    expect(report.engineNote).toMatch(/has no IAM policy simulator/);
    // configure recorded the monitoring half: every row of the contract is checked.
    expect(report.omitted).toEqual([]);
    // The bucket policy is attached for this file's duration: no note about it.
    expect(report.notes).toEqual([]);
    expect(report.flagged).toEqual([]);
    expect(report.totals.differing).toBe(0);
    expect(report.totals.cells).toBeGreaterThan(100);
    const row = (capability: string) =>
      (["uploader", "viewer", "admin"] as const).map(
        (r) => cell(report.matrix, capability, r)?.actual,
      );
    expect(row("put")).toEqual(["yes", "no", "yes"]);
    expect(row("get")).toEqual(["no", "yes", "yes"]);
    expect(row("list")).toEqual(["no", "yes", "yes"]);
    expect(row("delete")).toEqual(["no", "no", "yes"]);
    expect(row("bucketAdmin")).toEqual(["no", "no", "no"]);
    expect(row("kms")).toEqual(["GenerateDataKey+Decrypt", "Decrypt", "GenerateDataKey+Decrypt"]);
    expect(row("insecure")).toEqual(["no", "no", "no"]);
    // The bucket policy denies permanent deletes without a fresh MFA in the session.
    expect(row("deleteVersion")).toEqual(["no", "no", "with MFA"]);
    // The audit's findings, as deployed: create-only Uploader, no SSE-C, no archive
    // classes, no stale MFA, no monitoring changes.
    // Uploader: create-only and multipart steps allowed, a replacing write not.
    expect(row("overwrite")).toEqual(["partial (2/3)", "no", "yes"]);
    expect(row("sseC")).toEqual(["no", "no", "no"]);
    // Writers: STANDARD_IA allowed, GLACIER and DEEP_ARCHIVE not.
    expect(row("archive")).toEqual(["partial (1/3)", "no", "partial (1/3)"]);
    expect(row("staleMfa")).toEqual(["no", "no", "no"]);
    expect(row("monitoring")).toEqual(["no", "no", "no"]);
    // The monitoring half's own rows, and the Admin's reads (the page's unfinished
    // uploads, this very command).
    expect(row("logIntegrity")).toEqual(["no", "no", "no"]);
    expect(row("inspect")).toEqual(["no", "no", "yes"]);
    expect(row("listUploads")).toEqual(["no", "no", "yes"]);
  });

  it("a role policy granting the Viewer uploads is flagged, and only that", async () => {
    const policyName = `strongbox-it-broken-${process.pid}`;
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: viewerRole,
        PolicyName: policyName,
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` },
          ],
        }),
      }),
    );
    try {
      const report = await access();
      const flaggedIds = report.flagged.map((f) => f.id);
      expect(flaggedIds).toContain("viewer/s3:PutObject");
      expect(flaggedIds.every((id) => id.startsWith("viewer/s3:PutObject"))).toBe(true);
      const viewerPut = cell(report.matrix, "put", "viewer");
      expect(viewerPut?.flagged).toBe(true);
      expect(viewerPut?.expected).toBe("no");
      expect(viewerPut?.actual).not.toBe("no");
      // A Viewer allowed to put may also replace keys: that row is flagged too.
      expect(
        report.matrix.filter((m) => m.flagged).map((m) => `${m.capability}/${m.role}`),
      ).toEqual(["put/viewer", "overwrite/viewer"]);

      const human = await sb.run(["access"]);
      expect(human.stdout).toMatch(/✗ partial \(1\/3\) \(contract: no\)/);
      expect(human.stdout).toMatch(/✗ viewer\/s3:PutObject: contract deny, deployed allow/);
    } finally {
      await iam.send(new DeleteRolePolicyCommand({ RoleName: viewerRole, PolicyName: policyName }));
    }
    const left = await iam.send(new ListRolePoliciesCommand({ RoleName: viewerRole }));
    expect(left.PolicyNames).not.toContain(policyName);
  });

  it("a bucket policy without the TLS-only statement flags the plain-HTTP cells", async () => {
    const original = (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    expect(original).toBeDefined();
    const document = JSON.parse(original as string) as { Statement: Array<{ Sid?: string }> };
    const withoutTls = {
      ...document,
      Statement: document.Statement.filter((s) => s.Sid !== "DenyInsecureTransport"),
    };
    expect(withoutTls.Statement.length).toBe(document.Statement.length - 1);
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(withoutTls) }),
    );
    try {
      const report = await access();
      const flaggedIds = report.flagged.map((f) => f.id);
      expect(flaggedIds.length).toBeGreaterThan(0);
      expect(flaggedIds.every((id) => id.endsWith("/plain-http"))).toBe(true);
      // Every role's allowed S3 request over plain HTTP, e.g. the viewer's GetObject.
      expect(flaggedIds).toEqual(
        expect.arrayContaining([
          "uploader/s3:PutObject/plain-http",
          "viewer/s3:GetObject/plain-http",
          "admin/s3:DeleteObject/plain-http",
        ]),
      );
      for (const role of ["uploader", "viewer", "admin"] as const) {
        expect(cell(report.matrix, "insecure", role)?.flagged).toBe(true);
      }
      expect(cell(report.matrix, "put", "uploader")?.flagged).toBe(false);
    } finally {
      await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: original as string }));
    }
    expect((await access()).flagged).toEqual([]);
  });
});
