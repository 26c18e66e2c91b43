import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliSandbox, curl } from "./cli-helpers.js";

/**
 * ls / versions / restore / rm / presign through the built binary against the
 * local stack. Objects are written with `presign put` + curl, exactly as a
 * person handed the URL would. Moto checks no IAM and no signatures, so these
 * prove the wiring; refusals are proven on MinIO and by policy simulation.
 */
describe("strongbox catalog commands (local stack)", () => {
  let sb: Awaited<ReturnType<typeof cliSandbox>>;
  const run = (args: string[]) => sb.run(args);
  const prefix = `cli-it-${Date.now()}/`;
  const key = `${prefix}report with spaces + ü.txt`;

  /** The Uploader creates keys (its URL signs If-None-Match: *); the Admin replaces them. */
  async function putWithPresignedUrl(
    k: string,
    body: string,
    role: "uploader" | "admin" = "uploader",
  ): Promise<void> {
    const p = await run(["presign", "put", k, "--role", role, "--json"]);
    expect(p.code, p.stderr).toBe(0);
    const file = join(sb.dir, "body");
    await writeFile(file, body);
    const headers = Object.entries(p.json().headers as Record<string, string>).flatMap(([h, v]) => [
      "-H",
      `${h}: ${v}`,
    ]);
    const c = await curl(["-f", "--upload-file", file, ...headers, p.json().url]);
    expect(c.code, c.stderr).toBe(0);
  }

  async function getWithPresignedUrl(k: string): Promise<{ code: number; body: string }> {
    const p = await run(["presign", "get", k, "--role", "viewer"]);
    expect(p.code, p.stderr).toBe(0);
    const c = await curl(["-f", p.stdout.trim()]);
    return { code: c.code, body: c.stdout };
  }

  beforeAll(async () => {
    sb = await cliSandbox();
    for (const role of ["uploader", "viewer", "admin"]) {
      const r = await run(["login", "--role", role, "--profile", `local-${role}`]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it("presign put/get: the URL printed alone on stdout works with curl, and expiry is honoured", async () => {
    await putWithPresignedUrl(key, "version one\n");
    const got = await getWithPresignedUrl(key);
    expect(got).toEqual({ code: 0, body: "version one\n" });
    const p = await run(["presign", "get", key, "--role", "viewer", "--expires", "10m", "--json"]);
    expect(p.json()).toMatchObject({
      method: "GET",
      role: "viewer",
      clamped: false,
      requestedSeconds: 600,
    });
    expect(new URL(p.json().url).searchParams.get("X-Amz-Expires")).toBe("600");
    expect(p.stderr).toBe("");
  });

  it("presign beyond the session's life is clamped, with a warning on stderr only", async () => {
    const p = await run(["presign", "get", key, "--role", "viewer", "--expires", "6h"]);
    expect(p.code).toBe(0);
    expect(p.stdout.trim().split("\n")).toHaveLength(1);
    const expires = Number(new URL(p.stdout.trim()).searchParams.get("X-Amz-Expires"));
    expect(expires).toBeLessThanOrEqual(3600);
    expect(expires).toBeGreaterThan(3000);
    expect(p.stderr).toMatch(
      /^warning: URL valid for \d+m\d\ds only .* not 6h00m: it dies with the viewer session/,
    );
  });

  it("ls shows size and modified time, all pages, --limit, --json", async () => {
    for (const n of [1, 2, 3, 4])
      await putWithPresignedUrl(`${prefix}page/${n}.bin`, "x".repeat(n * 10));
    const all = await run([
      "ls",
      `${prefix}page/`,
      "--page-size",
      "2",
      "--role",
      "viewer",
      "--json",
    ]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.json()).toMatchObject({ count: 4, totalBytes: 100, truncated: false });
    expect(all.json().objects.map((o: { key: string; size: number }) => [o.key, o.size])).toEqual([
      [`${prefix}page/1.bin`, 10],
      [`${prefix}page/2.bin`, 20],
      [`${prefix}page/3.bin`, 30],
      [`${prefix}page/4.bin`, 40],
    ]);
    const limited = await run([
      "ls",
      `${prefix}page/`,
      "--page-size",
      "1",
      "--limit",
      "3",
      "--role",
      "viewer",
      "--json",
    ]);
    expect(limited.json()).toMatchObject({ count: 3, truncated: true });
    const human = await run(["ls", prefix, "--role", "viewer"]);
    expect(human.stdout).toMatch(
      /^\s*40 B {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ {2}cli-it-\d+\/page\/4\.bin$/m,
    );
    expect(human.stdout).toMatch(/^5 object\(s\), /m);
  });

  it("versions lists every version of exactly that key, newest first", async () => {
    // The Uploader may not replace it (moto honours If-None-Match: *); the Admin may.
    const refused = await run(["presign", "put", key, "--role", "uploader", "--json"]);
    expect(refused.json().headers).toEqual({ "if-none-match": "*" });
    await putWithPresignedUrl(key, "version two, longer\n", "admin");
    await putWithPresignedUrl(`${key}.other`, "a different key sharing the prefix");
    const r = await run(["versions", key, "--role", "viewer", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const versions = r.json().versions as {
      versionId: string;
      isLatest: boolean;
      size: number;
      key: string;
    }[];
    expect(versions).toHaveLength(2);
    expect(versions.every((v) => v.key === key)).toBe(true);
    expect(versions[0]).toMatchObject({ isLatest: true, size: 20, deleteMarker: false });
    expect(versions[1]).toMatchObject({ isLatest: false, size: 12 });
    const human = await run(["versions", key, "--role", "viewer"]);
    expect(human.stdout.split("\n")[1]).toContain("latest");
  });

  it("restore copies an old version back to latest", async () => {
    const before = (await run(["versions", key, "--role", "admin", "--json"])).json().versions;
    const oldest = before.at(-1).versionId as string;
    const r = await run(["restore", key, "--version-id", oldest, "--role", "admin", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ key, restoredVersionId: oldest, size: 12 });
    expect(r.json().newVersionId).not.toBe(oldest);
    expect((await getWithPresignedUrl(key)).body).toBe("version one\n");
    const after = (await run(["versions", key, "--role", "admin", "--json"])).json().versions;
    expect(after).toHaveLength(3);
    expect(after[0]).toMatchObject({ isLatest: true, versionId: r.json().newVersionId });
  });

  it("rm adds a delete marker: gone from ls, still in versions, restorable", async () => {
    const r = await run(["rm", key, "--role", "admin", "--yes", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      key,
      permanent: false,
      deleteMarkerVersionId: expect.any(String),
    });
    const listed = (await run(["ls", prefix, "--role", "viewer", "--json"])).json();
    expect(listed.objects.map((o: { key: string }) => o.key)).not.toContain(key);
    const versions = (await run(["versions", key, "--role", "viewer", "--json"])).json().versions;
    expect(versions[0]).toMatchObject({ deleteMarker: true, isLatest: true });
    const get = await getWithPresignedUrl(key);
    expect(get.code).not.toBe(0);
    const again = await run(["rm", key, "--role", "admin", "--yes"]);
    expect(again.code).toBe(4);
    expect(again.stderr).toMatch(/not found: .* \(nothing to delete, or already deleted\)/);
    const markerRestore = await run([
      "restore",
      key,
      "--version-id",
      versions[0].versionId,
      "--role",
      "admin",
    ]);
    expect(markerRestore.code).toBe(2);
    expect(markerRestore.stderr).toMatch(/is a delete marker/);
    const back = await run([
      "restore",
      key,
      "--version-id",
      versions[1].versionId,
      "--role",
      "admin",
    ]);
    expect(back.code, back.stderr).toBe(0);
    expect((await getWithPresignedUrl(key)).body).toBe("version one\n");
  });

  it("permanent delete needs MFA in the admin session (exit 3 before asking S3), then works with it", async () => {
    const versions = (await run(["versions", key, "--role", "admin", "--json"])).json().versions;
    const victim = versions.at(-1).versionId as string;
    const denied = await run(["rm", key, "--version-id", victim, "--role", "admin"]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(
      /access denied: role admin may not DeleteObjectVersion .*needs a fresh MFA in the admin session/,
    );
    expect(denied.stderr).toMatch(
      /hint: log in again with a new MFA code: `strongbox login --role admin`/,
    );

    const awsConfig = join(sb.dir, "aws-config-mfa");
    await writeFile(
      awsConfig,
      (await readFile(sb.stack.awsConfigFile, "utf8")).replace(
        "[profile local-admin]",
        "[profile local-admin]\nmfa_serial = arn:aws:iam::123456789012:mfa/demo-admin",
      ),
    );
    const login = await sb.run(
      ["login", "--role", "admin", "--profile", "local-admin", "--mfa-code", "123456"],
      {
        AWS_CONFIG_FILE: awsConfig,
      },
    );
    expect(login.code, login.stderr).toBe(0);
    const refused = await run(["rm", key, "--version-id", victim, "--role", "admin"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /refusing to permanently delete version .* no terminal to ask on/,
    );
    const dry = await run(["rm", key, "--version-id", victim, "--role", "admin", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/^would delete permanently: .* version /);
    const gone = await run([
      "rm",
      key,
      "--version-id",
      victim,
      "--role",
      "admin",
      "--yes",
      "--json",
    ]);
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.json()).toMatchObject({ permanent: true, versionId: victim });
    const left = (await run(["versions", key, "--role", "admin", "--json"])).json().versions;
    expect(left.map((v: { versionId: string }) => v.versionId)).not.toContain(victim);
  });

  it("missing things are exit 4 with a sentence", async () => {
    const v = await run(["versions", `${prefix}nope`, "--role", "viewer"]);
    expect(v.code).toBe(4);
    expect(v.stderr).toMatch(/not found: no versions of/);
    const r = await run(["restore", key, "--version-id", "does-not-exist", "--role", "admin"]);
    expect(r.code).toBe(4);
    const empty = await run(["ls", `${prefix}nothing-here/`, "--role", "viewer"]);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/no objects under/);
  });

  it("without --role the most recent valid login is used", async () => {
    const login = await run(["login", "--role", "viewer", "--profile", "local-viewer"]);
    expect(login.code).toBe(0);
    const r = await run(["ls", prefix, "--json"]);
    expect(r.json().role).toBe("viewer");
  });
});
