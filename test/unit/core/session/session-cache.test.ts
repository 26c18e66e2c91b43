import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Role } from "../../../../src/core/roles.js";
import { sessionNameFromArn } from "../../../../src/core/session/assume.js";
import {
  cachedRoleSession,
  latestRoleSession,
  REFRESH_WINDOW_MS,
  SessionCache,
} from "../../../../src/core/session/cache.js";
import type { RoleSession } from "../../../../src/core/session/types.js";
import { roleArn, T0, testSession } from "../../cli/cli-fixtures.js";

const arns: Record<Role, string> = {
  uploader: roleArn("uploader"),
  viewer: roleArn("viewer"),
  admin: roleArn("admin"),
};

/** A session created at `createdAt` that lives `lifetimeMs`. */
const session = (role: Role, createdAt: number, lifetimeMs: number): RoleSession =>
  testSession(role, createdAt + lifetimeMs, createdAt);

async function cacheAt(nowMs: { value: number }) {
  const dir = join(await mkdtemp(join(tmpdir(), "sb-sess-")), "sessions");
  return new SessionCache(dir, () => nowMs.value);
}

describe("SessionCache", () => {
  it("writes entries 0600 in a 0700 directory, self-describing", async () => {
    const clock = { value: T0 };
    const cache = await cacheAt(clock);
    const path = await cache.write(session("viewer", T0, 3600_000));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(cache.dir)).mode & 0o777).toBe(0o700);
    const entry = JSON.parse(await readFile(path, "utf8"));
    expect(entry).toMatchObject({
      kind: "strongbox.role-session",
      role: "viewer",
      roleArn: arns.viewer,
      baseIdentityArn: "arn:aws:iam::123456789012:user/alice",
      sourceIdentity: "alice",
      expiration: "2026-11-28T01:00:00.000Z",
      createdAt: "2026-11-28T00:00:00.000Z",
    });
  });

  it("reuses a session until 5 minutes before expiry, then says why not", async () => {
    const clock = { value: T0 };
    const cache = await cacheAt(clock);
    await cache.write(session("viewer", T0, 3600_000));

    clock.value = T0 + 3600_000 - REFRESH_WINDOW_MS - 1000;
    const fresh = await cache.lookup("viewer", arns.viewer);
    expect(fresh.use).toBe(true);
    expect(fresh.reason).toMatch(/valid until 2026-11-28T01:00:00.000Z \(5m left\)/);

    clock.value = T0 + 3600_000 - REFRESH_WINDOW_MS + 1000;
    const closing = await cache.lookup("viewer", arns.viewer);
    expect(closing).toMatchObject({ use: false, expiredAt: new Date(T0 + 3600_000) });
    expect(closing.reason).toMatch(/inside the 5m refresh window/);

    clock.value = T0 + 3600_000 + 1;
    const expired = await cache.lookup("viewer", arns.viewer);
    expect(expired.use).toBe(false);
    expect(expired.reason).toBe(
      "cached session for role viewer expired at 2026-11-28T01:00:00.000Z",
    );
  });

  it("missing, unreadable and foreign-role entries are misses with reasons", async () => {
    const clock = { value: T0 };
    const cache = await cacheAt(clock);
    expect((await cache.lookup("admin", arns.admin)).reason).toBe(
      "no cached session for role admin",
    );
    await cache.write(session("admin", T0, 3600_000));
    expect((await cache.lookup("admin", "arn:aws:iam::1:role/other")).reason).toMatch(
      /but the config names/,
    );
    await writeFile(cache.pathOf("admin"), "{garbage");
    expect((await cache.lookup("admin", arns.admin)).reason).toMatch(/unreadable/);
  });

  it("delete removes the file and reports whether there was one", async () => {
    const cache = await cacheAt({ value: T0 });
    await cache.write(session("uploader", T0, 3600_000));
    expect(await cache.delete("uploader")).toBe(true);
    expect(await cache.delete("uploader")).toBe(false);
    expect((await cache.lookup("uploader", arns.uploader)).use).toBe(false);
  });
});

describe("cachedRoleSession (provider wrapper)", () => {
  it("calls the inner provider only on a miss, and caches what it returns", async () => {
    const clock = { value: T0 };
    const cache = await cacheAt(clock);
    let calls = 0;
    const reasons: string[] = [];
    const inner = async () => {
      calls++;
      return session("uploader", clock.value, 3600_000);
    };
    const opts = {
      cache,
      role: "uploader" as const,
      roleArn: arns.uploader,
      inner,
      onDecision: (r: string) => reasons.push(r),
    };
    const first = await cachedRoleSession(opts);
    const second = await cachedRoleSession(opts);
    expect(calls).toBe(1);
    expect(second.credentials).toEqual(first.credentials);
    expect(reasons[0]).toBe("no cached session for role uploader");
    expect(reasons.at(-1)).toMatch(/valid until/);
    clock.value = T0 + 3600_000 - 60_000;
    await cachedRoleSession(opts);
    expect(calls).toBe(2);
  });
});

describe("latestRoleSession (no --role)", () => {
  it("picks the most recently created usable session", async () => {
    const clock = { value: T0 + 10_000 };
    const cache = await cacheAt(clock);
    await cache.write(session("viewer", T0, 3600_000));
    await cache.write(session("admin", T0 + 5000, 3600_000));
    expect((await latestRoleSession(cache, arns)).role).toBe("admin");
  });

  it("skips an expired newer session for an older valid one", async () => {
    const clock = { value: T0 + 1800_000 };
    const cache = await cacheAt(clock);
    await cache.write(session("viewer", T0, 3600_000));
    await cache.write(session("admin", T0 + 5000, 900_000));
    expect((await latestRoleSession(cache, arns)).role).toBe("viewer");
  });

  it("all expired → the plain sentence naming the role, its expiry and the login command (exit 5)", async () => {
    const clock = { value: T0 + 7200_000 };
    const cache = await cacheAt(clock);
    await cache.write(session("viewer", T0, 3600_000));
    await expect(latestRoleSession(cache, arns)).rejects.toMatchObject({
      kind: "credentials",
      exitCode: 5,
      message:
        "session for role viewer expired at 2026-11-28T01:00:00.000Z; run `strongbox login --role viewer`",
    });
  });

  it("nothing cached → not logged in (exit 5)", async () => {
    const cache = await cacheAt({ value: T0 });
    await expect(latestRoleSession(cache, arns)).rejects.toMatchObject({
      exitCode: 5,
      message: expect.stringMatching(/^not logged in/),
    });
  });
});

describe("sessionNameFromArn", () => {
  it.each([
    ["arn:aws:iam::123456789012:user/alice", "alice"],
    ["arn:aws:iam::123456789012:user/team/ops/bob.smith@example.com", "bob.smith@example.com"],
    ["arn:aws:sts::123456789012:assumed-role/SSORole/carol", "carol"],
    ["arn:aws:iam::123456789012:root", "root"],
    ["arn:aws:sts::123456789012:federated-user/dave", "dave"],
    ["arn:aws:iam::123456789012:user/x", "strongbox-x"],
    ["arn:aws:iam::123456789012:user/na me!#", "na-me--"],
    [`arn:aws:iam::123456789012:user/${"a".repeat(80)}`, "a".repeat(64)],
  ])("%s → %s", (arn, name) => {
    const out = sessionNameFromArn(arn);
    expect(out).toBe(name);
    expect(out).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
