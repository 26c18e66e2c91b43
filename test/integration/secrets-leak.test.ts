import { randomBytes } from "node:crypto";
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliRun, cliSandbox } from "./cli-helpers.js";

/*
 * One full CLI session against the local stack (login, upload, download, ls,
 * errors, --debug, --json, presign), then everything it wrote — stdout,
 * stderr, config, resume state, downloaded files' folder, any file under the
 * sandbox but the credential cache — is scanned for the run's secrets: the
 * demo users' access keys and secret keys, every role session's and the MFA
 * session's access key, secret key and session token, and every URL signature. Only presign's own
 * stdout may hold a signed URL (that is what it is for).
 */

type Sandbox = Awaited<ReturnType<typeof cliSandbox>>;
let sb: Sandbox;
const scanned: Array<{ what: string; text: string }> = [];
const presigned: string[] = [];

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const r = await sb.run(args, env);
  scanned.push({ what: `strongbox ${args.join(" ")} (stdout)`, text: r.stdout });
  scanned.push({ what: `strongbox ${args.join(" ")} (stderr)`, text: r.stderr });
  return r;
}

async function filesUnder(dir: string, skip: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...(await filesUnder(path, skip)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Secrets of the base credentials file (aws_access_key_id / aws_secret_access_key values). */
function baseSecrets(ini: string): string[] {
  return [...ini.matchAll(/^aws_(?:access_key_id|secret_access_key)\s*=\s*(\S+)/gm)].map(
    (m) => m[1] as string,
  );
}

beforeAll(async () => {
  sb = await cliSandbox();
  const small = join(sb.dir, "small.txt");
  const big = join(sb.dir, "big.bin");
  await writeFile(small, "hello, no secrets here\n");
  await writeFile(big, randomBytes(6 * 1024 * 1024 + 3));
  const out = join(sb.dir, "downloads");

  expect(
    (await run(["login", "--role", "uploader", "--profile", "local-uploader", "--json"])).code,
  ).toBe(0);
  expect(
    (await run(["login", "--role", "viewer", "--profile", "local-viewer", "--debug"])).code,
  ).toBe(0);
  // The Admin with MFA, as in AWS: the code opens a cached MFA session (GetSessionToken)
  // that the second login reuses; its secrets are scanned for like the role sessions'.
  const config = JSON.parse(await readFile(sb.configPath, "utf8"));
  await writeFile(
    sb.configPath,
    JSON.stringify({
      ...config,
      adminMfaRequired: true,
      mfaSerial: "arn:aws:iam::123456789012:mfa/demo-admin",
    }),
  );
  expect(
    (
      await run(["login", "--role", "admin", "--profile", "local-admin", "--debug"], {
        STRONGBOX_MFA_CODE: "480916",
      })
    ).code,
  ).toBe(0);
  expect(
    (await run(["login", "--role", "admin", "--profile", "local-admin", "--json", "--debug"])).code,
  ).toBe(0);
  await run(["whoami", "--debug"]);
  await run(["whoami", "--json", "--role", "uploader"]);
  expect(
    (
      await run([
        "upload",
        small,
        "--key",
        "leak/small.txt",
        "--role",
        "uploader",
        "--json",
        "--debug",
      ])
    ).code,
  ).toBe(0);
  expect(
    (
      await run([
        "upload",
        big,
        "--key",
        "leak/big.bin",
        "--part-size",
        "5MiB",
        "--role",
        "uploader",
        "--debug",
      ])
    ).code,
  ).toBe(0);
  await run(["ls", "leak/", "--role", "viewer", "--json", "--debug"]);
  expect(
    (
      await run([
        "download",
        "leak/big.bin",
        "--out",
        `${out}/`,
        "--role",
        "viewer",
        "--json",
        "--debug",
      ])
    ).code,
  ).toBe(0);
  // Failures, each with --debug: a role S3 refuses (moto enforces no IAM: it may pass there),
  // a missing object, a missing file, a bad flag.
  await run(["upload", small, "--key", "leak/denied.txt", "--role", "viewer", "--debug"]);
  expect(
    (
      await run([
        "download",
        "leak/missing.bin",
        "--out",
        `${out}/`,
        "--role",
        "viewer",
        "--debug",
        "--json",
      ])
    ).code,
  ).not.toBe(0);
  expect(
    (await run(["upload", join(sb.dir, "nope.bin"), "--role", "uploader", "--json", "--debug"]))
      .code,
  ).not.toBe(0);
  expect((await run(["upload", small, "--concurrency", "0", "--debug"])).code).not.toBe(0);
  // presign: its stdout is the one place a signed URL belongs (not scanned; its signature is a secret elsewhere).
  for (const method of ["get", "put"]) {
    const r = await sb.run([
      "presign",
      method,
      "leak/small.txt",
      "--role",
      method === "get" ? "viewer" : "uploader",
    ]);
    expect(r.code).toBe(0);
    presigned.push(r.stdout);
    scanned.push({ what: `strongbox presign ${method} (stderr)`, text: r.stderr });
  }
  await run(["logout", "--role", "admin", "--debug"]);
}, 300_000);

afterAll(async () => {
  // The sandbox holds a credential cache: nothing of it is left behind.
  if (sb) await rm(sb.dir, { recursive: true, force: true });
});

describe("secrets never leak (one full CLI session on the local stack)", () => {
  it("no access key, secret key, session token or signature appears outside the credential cache and presign's output", async () => {
    const secrets = new Map<string, string>();
    const credsFile = sb.env.AWS_SHARED_CREDENTIALS_FILE as string;
    for (const s of baseSecrets(await readFile(credsFile, "utf8")))
      secrets.set(s, "a demo user's key");
    // Every role session ever cached (logout removed admin's file, but its secrets were printed nowhere either).
    const sessionFiles = await readdir(sb.sessionsDir).catch(() => [] as string[]);
    expect(sessionFiles.length).toBeGreaterThanOrEqual(2);
    // The MFA session's own credentials are among them.
    expect(sessionFiles).toContain("mfa-local-admin.json");
    for (const name of sessionFiles) {
      const entry = JSON.parse(await readFile(join(sb.sessionsDir, name), "utf8"));
      secrets.set(entry.credentials.accessKeyId, `${name}: access key`);
      secrets.set(entry.credentials.secretAccessKey, `${name}: secret key`);
      secrets.set(entry.credentials.sessionToken, `${name}: session token`);
      // Long tokens also leak in part (a log that truncates).
      secrets.set(entry.credentials.sessionToken.slice(0, 40), `${name}: session token (start)`);
    }
    for (const text of presigned) {
      const signature = /X-Amz-Signature=([0-9a-f]{64})/.exec(text)?.[1];
      expect(signature).toBeTruthy();
      secrets.set(signature as string, "a presigned URL's signature");
    }
    expect(secrets.size).toBeGreaterThanOrEqual(10);

    // Every file the session wrote, except the credential cache itself (0600 in 0700).
    const files = await filesUnder(sb.dir, (p) => p === sb.sessionsDir || p.endsWith(".bin"));
    expect(files.some((f) => f.endsWith("config.json"))).toBe(true);
    for (const file of files)
      scanned.push({ what: relative(sb.dir, file), text: await readFile(file, "utf8") });

    const scan = (texts: Array<{ what: string; text: string }>) => {
      const hits: string[] = [];
      for (const { what, text } of texts) {
        for (const [secret, name] of secrets)
          if (text.includes(secret)) hits.push(`${name} in ${what}`);
        // Whatever the secret: no signed URL, signature or token parameter outside presign.
        for (const marker of [
          "X-Amz-Signature=",
          "X-Amz-Security-Token=",
          "X-Amz-Credential=",
          "Signature=",
        ])
          if (text.includes(marker)) hits.push(`"${marker}" in ${what}`);
      }
      return hits;
    };
    // The scan finds what it looks for: a session's secret key and presign's output.
    const [someSecret] =
      [...secrets.entries()].filter(([, name]) => name.endsWith("secret key"))[0] ?? [];
    expect(scan([{ what: "probe", text: `…${someSecret}…` }])).toHaveLength(1);
    expect(scan([{ what: "probe", text: presigned[0] as string }]).length).toBeGreaterThan(0);
    const hits = scan(scanned);
    expect(hits).toEqual([]);
    // Something was scanned: the --debug runs wrote to stderr.
    expect(scanned.filter((s) => s.text.length > 0).length).toBeGreaterThan(10);
  });

  it("the credential cache is 0600 files in a 0700 folder", async () => {
    expect((await stat(sb.sessionsDir)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(sb.sessionsDir))
      expect((await stat(join(sb.sessionsDir, name))).mode & 0o777).toBe(0o600);
  });
});
