import { once } from "node:events";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { parseConfig, sessionsDirOf, writeConfig } from "../../../src/core/config.js";
import { SessionCache } from "../../../src/core/session/cache.js";

const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYSECRETKEY";
const arn = (role: string) => `arn:aws:iam::123456789012:role/sb-${role}`;

/** `strongbox upload DIR` against a local stand-in for S3 that refuses one file. */
let endpoint: string;
let close: () => void;
beforeAll(async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const refused = req.url?.includes("b.txt") === true;
      res.writeHead(refused ? 400 : 200, refused ? {} : { "x-amz-version-id": "v1" });
      res.end(refused ? "<Error><Code>BadDigest</Code><Message>x</Message></Error>" : "");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => {
    server.closeAllConnections();
    server.close();
  };
});
afterAll(() => close());

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), "sb-batch-"));
  const configPath = join(dir, "config.json");
  await writeConfig(
    configPath,
    parseConfig(
      {
        version: 1,
        region: "us-east-1",
        bucket: "sb-data",
        kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
        roles: { uploader: arn("uploader"), viewer: arn("viewer"), admin: arn("admin") },
        adminMfaRequired: true,
        maxSessionSeconds: 3600,
        endpoint,
        forcePathStyle: true,
      },
      "t",
    ),
  );
  await new SessionCache(sessionsDirOf(configPath), () => Date.now()).write({
    role: "uploader",
    roleArn: arn("uploader"),
    assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/sb-uploader/alice",
    baseIdentityArn: "arn:aws:iam::123456789012:user/alice",
    sourceIdentity: "alice",
    mfaAuthenticated: false,
    createdAt: new Date(),
    credentials: {
      accessKeyId: "ASIAEXAMPLEEXAMPLE01",
      secretAccessKey: SECRET,
      sessionToken: "FQoGZXIvYXdzEXAMPLESESSIONTOKEN",
      expiration: new Date(Date.now() + 3600_000),
    },
  });
  const files = join(dir, "files");
  await mkdir(files);
  for (const name of ["a.txt", "b.txt", "c.txt"]) await writeFile(join(files, name), name);
  return { configPath, files };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  stdout.on("data", (c) => out.push(String(c)));
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  stderr.on("data", (c) => err.push(String(c)));
  return {
    io: {
      stdout,
      stderr: stderr as unknown as NodeJS.WriteStream,
      stdin: new PassThrough() as unknown as NodeJS.ReadStream,
      env: {},
      now: () => Date.now(),
      signal: new AbortController().signal,
    },
    stdout: () => out.join(""),
    stderr: () => err.join(""),
  };
}

describe("strongbox upload of a folder where S3 refuses one file", () => {
  it("prints the files that did upload, then the failure; exit 1", async () => {
    const { configPath, files } = await setup();
    const f = io();
    expect(await main(["upload", files, "--config", configPath, "--role", "uploader"], f.io)).toBe(
      1,
    );
    expect(f.stdout()).toMatch(/^uploaded a\.txt .*\nuploaded c\.txt .*\n$/);
    expect(f.stderr()).toMatch(/strongbox: 1 of 3 files were not uploaded \(.*b\.txt: /);
    expect(f.stderr()).not.toContain(SECRET);
  });

  it("--json: the uploaded files as `result` beside the `error`", async () => {
    const { configPath, files } = await setup();
    const f = io();
    expect(
      await main(["upload", files, "--json", "--config", configPath, "--role", "uploader"], f.io),
    ).toBe(1);
    const out = JSON.parse(f.stdout());
    expect(out.result.map((r: { key: string }) => r.key)).toEqual(["a.txt", "c.txt"]);
    expect(out.error).toMatchObject({ kind: "failed", exitCode: 1 });
    expect(f.stdout()).not.toContain("X-Amz-Signature");
  });
});
