import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StrongboxConfig } from "../../../../src/core/config.js";
import { assumeRoleSession } from "../../../../src/core/session/assume.js";
import { sourceIdentityFromArn } from "../../../../src/core/session/source-identity.js";

/*
 * The roles' trust policies bind SourceIdentity to the caller: an IAM user's
 * own user name (${aws:username}), or for SSO / assumed-role callers the
 * principal tag an admin maps to their session name. The CLI sends exactly
 * that name, never a cleaned-up variant a policy would refuse.
 */

describe("sourceIdentityFromArn", () => {
  it.each([
    ["arn:aws:iam::123456789012:user/alice", "alice"],
    ["arn:aws:iam::123456789012:user/team/ops/bob.smith@example.com", "bob.smith@example.com"],
    ["arn:aws-us-gov:iam::123456789012:user/Eve_Admin+ops=1,x", "Eve_Admin+ops=1,x"],
    [
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123/carol@example.com",
      "carol@example.com",
    ],
    ["arn:aws:sts::123456789012:federated-user/dave", "dave"],
  ])("%s → %s", (arn, name) => {
    expect(sourceIdentityFromArn(arn)).toBe(name);
  });

  it.each([
    ["a one-letter user name (STS needs 2)", "arn:aws:iam::123456789012:user/x"],
    ["a session name STS would refuse", "arn:aws:sts::123456789012:assumed-role/R/a"],
    ["the account root", "arn:aws:iam::123456789012:root"],
  ])("refuses %s with a clear error instead of sending a name no policy accepts", (_what, arn) => {
    expect(() => sourceIdentityFromArn(arn)).toThrow(
      expect.objectContaining({ kind: "credentials", exitCode: 5 }),
    );
  });
});

/** A tiny STS: answers GetCallerIdentity with `callerArn` and records each AssumeRole. */
let server: Server;
let endpoint: string;
let callerArn = "";
const assumed: URLSearchParams[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += String(c);
    });
    req.on("end", () => {
      const form = new URLSearchParams(body);
      res.setHeader("content-type", "text/xml");
      if (form.get("Action") === "GetCallerIdentity") {
        res.end(
          `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>${callerArn}</Arn><UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`,
        );
        return;
      }
      assumed.push(form);
      const expiry = new Date(Date.now() + 3600_000).toISOString();
      res.end(
        `<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>${expiry}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/sb-viewer/x</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`,
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const config = (): StrongboxConfig => ({
  version: 1,
  region: "us-east-1",
  bucket: "sb-data",
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  roles: {
    uploader: "arn:aws:iam::123456789012:role/sb-uploader",
    viewer: "arn:aws:iam::123456789012:role/sb-viewer",
    admin: "arn:aws:iam::123456789012:role/sb-admin",
  },
  adminMfaRequired: false,
  maxSessionSeconds: 3600,
  endpoint,
  forcePathStyle: true,
});

describe("assumeRoleSession sends the bound SourceIdentity", () => {
  it.each([
    [
      "an IAM user: exactly the user name",
      "arn:aws:iam::123456789012:user/ops/Bob.Smith",
      "Bob.Smith",
    ],
    [
      "an SSO session: the session name its principal tag is mapped to",
      "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Viewer_42/carol@example.com",
      "carol@example.com",
    ],
  ])("%s", async (_what, arn, expected) => {
    callerArn = arn;
    assumed.length = 0;
    const session = await assumeRoleSession({
      config: config(),
      role: "viewer",
      profile: undefined,
      baseCredentials: { accessKeyId: "AKIAX", secretAccessKey: "y" },
    });
    expect(assumed).toHaveLength(1);
    expect(assumed[0]?.get("SourceIdentity")).toBe(expected);
    expect(session.sourceIdentity).toBe(expected);
  });

  it("a caller whose name cannot be a SourceIdentity is stopped before AssumeRole", async () => {
    callerArn = "arn:aws:iam::123456789012:user/x";
    assumed.length = 0;
    await expect(
      assumeRoleSession({
        config: config(),
        role: "viewer",
        profile: undefined,
        baseCredentials: { accessKeyId: "AKIAX", secretAccessKey: "y" },
      }),
    ).rejects.toMatchObject({ kind: "credentials" });
    expect(assumed).toHaveLength(0);
  });
});
