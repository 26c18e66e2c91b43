import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { StrongboxConfig } from "../../../../src/core/config.js";
import type { Role } from "../../../../src/core/roles.js";
import type { SelftestEnv } from "../../../../src/core/selftest/env.js";
import { REFUSALS, refusalSteps } from "../../../../src/core/selftest/refusals.js";
import { runSteps } from "../../../../src/core/selftest/runner.js";
import type { HttpRequest, Transport } from "../../../../src/core/transfer/transport.js";
import { SECRET, T0, testSession } from "../../cli/cli-fixtures.js";
import { FakeClock } from "../audit/fakes.js";
import { selftestConfig, selftestEnv } from "./fixtures.js";

/*
 * The refusal table, run by its loop against a fake S3: each row passes only
 * when its request is refused, and fails, naming the request, when it is let
 * through. (On the emulator every row is skipped: see the selftest tests.)
 */

/** On AWS (no endpoint): the URLs are virtual-hosted https ones. */
const config: StrongboxConfig = {
  ...selftestConfig,
  region: "eu-west-1",
  bucket: "sb-data",
  endpoint: undefined,
  forcePathStyle: false,
};

const denied = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`;

/** Answers every pre-signed request with `status`; records each. */
function fakeS3(status: number): Transport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    async send(req) {
      requests.push(req);
      const body = Buffer.from(status === 403 ? denied : "");
      return {
        status,
        headers: {},
        body: Readable.from([body]),
        text: async () => body.toString(),
        discard: async () => {},
      };
    },
    async close() {},
  };
}

/** SDK calls: refused (AccessDenied, 403) or allowed; records each command's name. */
function fakeSdk(refuse: boolean, sent: string[]) {
  return () => ({
    // biome-ignore lint/suspicious/noExplicitAny: any command of the SDK client
    async send(command: any): Promise<any> {
      sent.push(command.constructor.name);
      if (refuse) {
        throw Object.assign(new Error("Access Denied"), {
          name: "AccessDenied",
          $metadata: { httpStatusCode: 403 },
        });
      }
      return {};
    },
  });
}

function env(status: number, sdkRefuses: boolean, sent: string[]): SelftestEnv {
  const sessions: Partial<Record<Role, ReturnType<typeof testSession>>> = {};
  for (const role of ["uploader", "viewer", "admin"] as const) {
    sessions[role] = testSession(role, T0 + 3600_000);
  }
  return selftestEnv({
    config,
    emulator: false,
    sessions,
    http: fakeS3(status),
    clock: new FakeClock(T0),
    s3Client: fakeSdk(sdkRefuses, sent),
    state: { key: "strongbox-selftest/t/hello.txt", body: Buffer.from("hello") },
  });
}

describe("selftest refusals: one table, one loop", () => {
  it("every row passes when the deployment refuses its request", async () => {
    const sent: string[] = [];
    const e = env(403, true, sent);
    const report = await runSteps(refusalSteps(), e, { environment: "aws", now: () => T0 });
    expect(report.steps.map((s) => [s.name, s.status])).toEqual(
      REFUSALS.map((row) => [row.name, "pass"]),
    );
    expect(report.steps[0]?.detail).toBe("PUT by the viewer was refused (403 AccessDenied)");
    expect(sent).toEqual(["DeleteObjectCommand", "PutBucketVersioningCommand"]);
    // The pre-signed ones went through the transfers' request path: signed, sent once each.
    const requests = (e.http as ReturnType<typeof fakeS3>).requests;
    expect(requests.map((r) => `${r.method} ${new URL(r.url).protocol}`)).toEqual([
      "PUT https:",
      "GET https:",
      "PUT https:",
      "GET http:",
    ]);
    expect(requests.every((r) => /X-Amz-Signature=/.test(r.url))).toBe(true);
    // The other-key row names another key, signed into its headers.
    expect(requests[2]?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toMatch(
      /:key\/00000000-/,
    );
    expect(JSON.stringify(report)).not.toContain(SECRET);
  });

  it("a row whose request is let through fails, naming the request", async () => {
    const report = await runSteps(refusalSteps(), env(200, false, []), {
      environment: "aws",
      now: () => T0,
    });
    expect(report.counts.fail).toBe(REFUSALS.length);
    expect(report.steps.map((s) => s.detail)).toContain(
      "GET over http:// was ALLOWED: the deployed policies do not match the access contract",
    );
  });

  it("the TLS row sends its signed URL over http://", async () => {
    const e = env(403, true, []);
    const tls = REFUSALS.filter((row) => row.name === "plain HTTP refused");
    const report = await runSteps(refusalSteps(tls), e, { environment: "aws", now: () => T0 });
    expect(report.steps[0]?.status).toBe("pass");
    const [request] = (e.http as ReturnType<typeof fakeS3>).requests;
    expect(request?.url).toMatch(/^http:\/\/sb-data\.s3\.eu-west-1\.amazonaws\.com\//);
  });

  it("the other-key row names a key in the deployment's partition", async () => {
    const e = env(403, true, []);
    e.config = { ...config, kmsKeyArn: "arn:aws-cn:kms:cn-north-1:123456789012:key/k" };
    const rows = REFUSALS.filter((row) => row.name.includes("another KMS key"));
    expect(rows).toHaveLength(1);
    await runSteps(refusalSteps(rows), e, { environment: "aws", now: () => T0 });
    const [request] = (e.http as ReturnType<typeof fakeS3>).requests;
    expect(request?.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe(
      "arn:aws-cn:kms:cn-north-1:123456789012:key/00000000-1111-2222-3333-444444444444",
    );
  });

  it("a row on the uploaded object is skipped when the upload step did not pass", async () => {
    const e = env(403, true, []);
    e.state = {};
    const report = await runSteps(refusalSteps(), e, { environment: "aws", now: () => T0 });
    const skippedRows = report.steps.filter((s) => s.status === "skipped").map((s) => s.name);
    expect(skippedRows).toEqual(REFUSALS.filter((r) => r.onUpload).map((r) => r.name));
  });
});
