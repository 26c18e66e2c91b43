import type { STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { StrongboxError } from "../../../../src/core/errors.js";
import { awsSharedFileShown } from "../../../../src/core/session/aws-files.js";
import { type BaseRequest, baseIdentity } from "../../../../src/core/session/base-identity.js";

/* Hints name the AWS file the SDK actually reads, not always ~/.aws/config. */

const USER = "arn:aws:iam::123456789012:user/alice";

function request(over: Partial<BaseRequest>): BaseRequest {
  return {
    chain: { accessKeyId: "AKIAALICEEXAMPLE0001", secretAccessKey: "s" },
    sts: { send: async () => ({ Arn: USER }) } as unknown as STSClient,
    sendOptions: undefined,
    profile: "local-admin",
    profileName: "local-admin",
    mfaWhy: "an MFA code was given for role admin",
    serial: undefined,
    mfaCode: async () => "123456",
    mfaCache: undefined,
    skipCache: true,
    maxMfaAgeSeconds: undefined,
    mfaSessionSeconds: undefined,
    now: () => 0,
    onDecision: undefined,
    env: {},
    ...over,
  };
}

const hintOf = async (r: BaseRequest): Promise<string | undefined> => {
  const error = await baseIdentity(r).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(StrongboxError);
  return (error as StrongboxError).hint;
};

describe("awsSharedFileShown", () => {
  it("names $AWS_CONFIG_FILE / $AWS_SHARED_CREDENTIALS_FILE when set, else the ~/.aws files", () => {
    const env = { AWS_CONFIG_FILE: "/x/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/x/aws-creds" };
    expect(awsSharedFileShown("config", env)).toBe("/x/aws-config");
    expect(awsSharedFileShown("credentials", env)).toBe("/x/aws-creds");
    expect(awsSharedFileShown("config", {})).toBe("~/.aws/config");
    expect(awsSharedFileShown("credentials", {})).toBe("~/.aws/credentials");
    // Empty counts as unset, as the SDK reads it.
    expect(awsSharedFileShown("config", { AWS_CONFIG_FILE: "" })).toBe("~/.aws/config");
  });
});

describe("hints name the AWS config in use", () => {
  it("no MFA device known: add mfa_serial in $AWS_CONFIG_FILE", async () => {
    const hint = await hintOf(request({ env: { AWS_CONFIG_FILE: "/x/aws-config" } }));
    expect(hint).toBe(
      "add mfa_serial = arn:aws:iam::123456789012:mfa/NAME to profile local-admin in /x/aws-config",
    );
    expect(await hintOf(request({ env: {} }))).toMatch(/ in ~\/\.aws\/config$/);
  });

  it("a named profile that gives no credentials: both files as the SDK reads them", async () => {
    const refused = Object.assign(new Error("Could not resolve credentials using profile"), {
      name: "CredentialsProviderError",
    });
    const sts = {
      send: async () => {
        throw refused;
      },
    } as unknown as STSClient;
    const hint = await hintOf(
      request({
        sts,
        profile: "nosuch",
        env: { AWS_CONFIG_FILE: "/x/aws-config", AWS_SHARED_CREDENTIALS_FILE: "/x/aws-creds" },
      }),
    );
    expect(hint).toBe(
      "check [profile nosuch] in /x/aws-config or [nosuch] in /x/aws-creds (or run `aws configure --profile nosuch`)",
    );
    expect(await hintOf(request({ sts, profile: "nosuch", env: {} }))).toMatch(
      /in ~\/\.aws\/config or \[nosuch\] in ~\/\.aws\/credentials/,
    );
  });
});
