import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp } from "node:fs/promises";
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll } from "vitest";
import { COMMANDS } from "../../../src/cli/command-table.js";
import { parseConfig, sessionsDirFor, writeConfig } from "../../../src/core/config.js";
import type { Role } from "../../../src/core/roles.js";
import { SessionCache } from "../../../src/core/session/cache.js";
import type { RoleSession } from "../../../src/core/session/types.js";

/** Every command word, in --help order (`env` is declared beside `exec`). */
export const COMMAND_NAMES = COMMANDS.flatMap((c) => [c.name, ...(c.also ?? [])]);

/** Shared by the CLI tests that run `main` end to end: streams, a config, a cached session. */
export const T0 = Date.parse("2026-11-28T00:00:00Z");
export const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY";
export const roleArn = (role: string) => `arn:aws:iam::123456789012:role/sb-${role}`;

/** The CLI tests' state folder ($STRONGBOX_STATE_DIR): sessions never go to the real home. */
export const TEST_STATE_DIR = join(tmpdir(), `sb-state-${randomBytes(6).toString("hex")}`);

/** Where `main` keeps the sessions of the config at `configPath` in these tests. */
export const testSessionsDir = (configPath: string) =>
  sessionsDirFor(configPath, { STRONGBOX_STATE_DIR: TEST_STATE_DIR }, "/nonexistent-home");

/** In-memory stdout/stderr (stderr not a TTY); `now` defaults to T0; state in TEST_STATE_DIR. */
export function fakeIO(
  opts: { env?: NodeJS.ProcessEnv; now?: () => number; aborted?: boolean } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  stdout.on("data", (c) => out.push(String(c)));
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  stderr.on("data", (c) => err.push(String(c)));
  const controller = new AbortController();
  if (opts.aborted) controller.abort();
  return {
    io: {
      stdout,
      stderr: stderr as unknown as NodeJS.WriteStream,
      stdin: new PassThrough() as unknown as NodeJS.ReadStream,
      env: { STRONGBOX_STATE_DIR: TEST_STATE_DIR, ...opts.env },
      now: opts.now ?? (() => T0),
      signal: controller.signal,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

/** fakeIO on the real clock: a transfer checks the session against it, so the CLI runs on it too. */
export const liveIO = (env: NodeJS.ProcessEnv = {}) => fakeIO({ now: Date.now, env });

/**
 * A local stand-in for S3 (`handler` answers every request) for the tests of
 * one file: listening on 127.0.0.1 before they run, closed after them.
 */
export function useFakeS3(handler: RequestListener): { readonly endpoint: string } {
  const s3 = { endpoint: "" };
  const server = createServer(handler);
  beforeAll(async () => {
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    s3.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return s3;
}

/**
 * A config for the stack at `endpoint` in a new temporary folder, with a live
 * session (an hour left, on the real clock) for each of `roles`: the first is
 * the most recently logged in.
 */
export async function configWithSessions(
  endpoint: string,
  roles: Role[],
  options: { mfa?: boolean } = {},
): Promise<{ dir: string; configPath: string }> {
  const dir = await mkdtemp(join(tmpdir(), "sb-cli-"));
  const configPath = await writeTestConfig(dir, endpoint);
  const cache = new SessionCache(testSessionsDir(configPath), Date.now);
  const now = Date.now();
  for (const [i, role] of roles.entries())
    await cache.write({
      ...testSession(role, now + 3600_000, now - i * 1000),
      mfaAuthenticated: options.mfa === true,
    });
  return { dir, configPath };
}

/** Writes `dir/config.json` for a stack at `endpoint` and returns its path. */
export async function writeTestConfig(dir: string, endpoint = "http://127.0.0.1:1") {
  const configPath = join(dir, "config.json");
  await writeConfig(
    configPath,
    parseConfig(
      {
        version: 1,
        region: "us-east-1",
        bucket: "sb-data",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
        roles: {
          uploader: roleArn("uploader"),
          viewer: roleArn("viewer"),
          admin: roleArn("admin"),
        },
        adminMfaRequired: true,
        maxSessionSeconds: 3600,
        endpoint,
        forcePathStyle: true,
      },
      "t",
    ),
  );
  return configPath;
}

/** A role session as `login` caches it, for alice, with fake credentials. */
export function testSession(role: Role, expiresAt: number, createdAt = T0): RoleSession {
  return {
    role,
    roleArn: roleArn(role),
    assumedRoleArn: `arn:aws:sts::123456789012:assumed-role/sb-${role}/alice`,
    baseIdentityArn: "arn:aws:iam::123456789012:user/alice",
    sourceIdentity: "alice",
    mfaAuthenticated: false,
    createdAt: new Date(createdAt),
    credentials: {
      accessKeyId: "ASIAEXAMPLEEXAMPLE01",
      secretAccessKey: SECRET,
      sessionToken: "FQoGZXIvYXdzEXAMPLESESSIONTOKEN",
      expiration: new Date(expiresAt),
    },
  };
}
