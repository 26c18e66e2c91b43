import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
} from "@aws-sdk/client-sts";
import { afterEach, beforeEach, vi } from "vitest";
import { parseConfig, type StrongboxConfig } from "../../../../src/core/config.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import type { Role } from "../../../../src/core/roles.js";
import { type AssumeRoleRequest, assumeRoleSession } from "../../../../src/core/session/assume.js";
import { MfaSessionCache } from "../../../../src/core/session/mfa-cache.js";

/*
 * Shared by the mfa-session-*.test.ts files. MFA sessions as aws-vault keeps
 * them: a code opens an STS GetSessionToken session, cached 0600 beside the
 * role sessions, and every AssumeRole while it lives is signed with it
 * (carrying its MFA) without asking again. STS is faked at STSClient.send:
 * each call records which access key signed it.
 */

export const T0 = Date.parse("2026-11-30T10:00:00Z");
export const ACCOUNT = "123456789012";
export const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/alice`;
export const BASE = {
  accessKeyId: "AKIAALICEEXAMPLE0001",
  secretAccessKey: "alice-long-term-secret",
};
const roleArn = (r: Role) => `arn:aws:iam::${ACCOUNT}:role/sb-${r}`;

export interface Call {
  op: string;
  signedBy: string;
  input: Record<string, unknown>;
}

/** Fakes STS for this test; returns every call made (op, the key that signed it, input). */
export function fakeSts(
  opts: { callerArn?: string; refuse?: (call: Call) => Error | undefined } = {},
) {
  const calls: Call[] = [];
  let issued = 0;
  vi.spyOn(STSClient.prototype, "send").mockImplementation(async function (
    this: STSClient,
    command: unknown,
  ) {
    const creds = await (this.config.credentials as () => Promise<{ accessKeyId: string }>)();
    const op = (command as object).constructor.name.replace(/Command$/, "");
    const call: Call = {
      op,
      signedBy: creds.accessKeyId,
      input: (command as { input: Record<string, unknown> }).input,
    };
    calls.push(call);
    const refused = opts.refuse?.(call);
    if (refused !== undefined) throw refused;
    issued += 1;
    if (command instanceof GetCallerIdentityCommand)
      return { Arn: opts.callerArn ?? USER, Account: ACCOUNT, UserId: "AIDA" };
    if (command instanceof GetSessionTokenCommand) {
      return {
        Credentials: {
          AccessKeyId: `ASIAMFASESSION${String(issued).padStart(6, "0")}`,
          SecretAccessKey: `mfa-secret-${issued}`,
          SessionToken: `mfa-token-${issued}`,
          Expiration: new Date(
            clock.value + ((command.input.DurationSeconds as number) ?? 43200) * 1000,
          ),
        },
      };
    }
    if (command instanceof AssumeRoleCommand) {
      const name = command.input.RoleSessionName;
      return {
        Credentials: {
          AccessKeyId: `ASIAROLESESSION${String(issued).padStart(5, "0")}`,
          SecretAccessKey: `role-secret-${issued}`,
          SessionToken: `role-token-${issued}`,
          Expiration: new Date(clock.value + 3600_000),
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${command.input.RoleArn?.split("/")[1]}/${name}`,
          AssumedRoleId: "AROA:x",
        },
        SourceIdentity: command.input.SourceIdentity,
      };
    }
    throw new Error(`unexpected ${op}`);
  });
  return calls;
}

/** The fake clock: T0 at the start of each test; tests move it on. */
export const clock = { value: T0 };
/** Each test's own temporary folder and config, made fresh before it by useMfaSessionFixtures. */
export const state = {} as { dir: string; config: StrongboxConfig };

/**
 * Before each test of the calling file: the clock at T0, a new folder with an
 * AWS config (profile alice, and alice-mfa with mfa_serial) and a Strongbox
 * config whose Admin needs MFA; after each, STS and the environment restored.
 */
export function useMfaSessionFixtures() {
  beforeEach(async () => {
    clock.value = T0;
    state.dir = await mkdtemp(join(tmpdir(), "sb-mfa-session-"));
    const awsConfig = join(state.dir, "aws-config");
    await writeFile(
      awsConfig,
      `[profile alice]\nregion = us-east-1\n\n[profile alice-mfa]\nmfa_serial = ${SERIAL}\n`,
    );
    vi.stubEnv("AWS_CONFIG_FILE", awsConfig);
    vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", join(state.dir, "no-credentials"));
    vi.stubEnv("AWS_PROFILE", "");
    state.config = parseConfig(
      {
        version: 1,
        region: "us-east-1",
        bucket: "sb-data",
        kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`,
        roles: {
          uploader: roleArn("uploader"),
          viewer: roleArn("viewer"),
          admin: roleArn("admin"),
        },
        adminMfaRequired: true,
        adminMfaMaxAgeSeconds: 900,
        mfaSerial: SERIAL,
        maxSessionSeconds: 3600,
        endpoint: "http://127.0.0.1:1",
      },
      "test",
    );
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });
}

/**
 * assumeRoleSession for alice (profile alice, BASE keys) with this test's config,
 * MFA cache and clock; `codes` are typed when a code is asked (default one).
 */
export function login(role: Role, over: Partial<AssumeRoleRequest> & { codes?: string[] } = {}) {
  const codes = over.codes ?? ["123456"];
  const asked: string[] = [];
  const decisions: string[] = [];
  const request: AssumeRoleRequest = {
    config: state.config,
    role,
    profile: "alice",
    baseCredentials: BASE,
    mfaCache: new MfaSessionCache(join(state.dir, "sessions"), () => clock.value),
    mfaCode: async (_serial, why) => {
      asked.push(why);
      const code = codes.shift();
      if (code === undefined) throw new StrongboxError("credentials", `${why}: no code was given`);
      return code;
    },
    now: () => clock.value,
    onDecision: (d) => void decisions.push(d),
    ...over,
  };
  return {
    asked,
    decisions,
    result: assumeRoleSession(request),
  };
}

/** Where the MFA session of profile alice is cached. */
export const mfaFile = () => join(state.dir, "sessions", "mfa-alice.json");
