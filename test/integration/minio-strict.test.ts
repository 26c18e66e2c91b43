import { createHash, createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mapAwsError, mapS3HttpError } from "../../src/core/aws-errors.js";
import { StrongboxError } from "../../src/core/errors.js";
import {
  createPresigner,
  type PresignedRequest,
  type Presigner,
  type PresignRequest,
} from "../../src/core/presign.js";
import type { Role } from "../../src/core/roles.js";
import { downloadObject } from "../../src/core/transfer/download.js";
import { createFileStateStore } from "../../src/core/transfer/state-store.js";
import { createHttpTransport, type Transport } from "../../src/core/transfer/transport.js";
import { uploadFile } from "../../src/core/transfer/upload.js";
import {
  LANE_MAX_SIGNATURE_AGE_MS,
  LANE_REGION,
  type LaneCredentials,
  laneRolePolicy,
  type MinioLane,
  startMinioLane,
} from "./support/minio.js";

/*
 * The strict S3 lane: MinIO checks every signature, expiry and session policy
 * for real. Every kind of URL the CLI makes is sent with exactly the headers
 * the presigner returns; anything tampered with must be refused.
 */

const MiB = 1024 * 1024;
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("base64");
const xml = (text: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];

let lane: MinioLane;
const sessions = {} as Record<Role, LaneCredentials & { expiration: Date }>;
const presigners = {} as Record<Role, Presigner>;
let work: string;

interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  code: string | undefined;
}

/** Sends a pre-signed request with exactly its headers (plus `extra`), and a body. */
async function send(
  signed: PresignedRequest,
  method: "GET" | "PUT" | "HEAD" | "POST" | "DELETE",
  body?: Buffer | string,
  extra: Record<string, string> = {},
  headersOverride?: Record<string, string>,
): Promise<Answer> {
  const res = await raw.send({
    method,
    url: signed.url,
    headers: headersOverride ?? { ...signed.headers, ...extra },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, code: xml(text, "Code") };
}

/** GET with exactly the given headers; the whole body. */
async function getBytes(url: string, headers: Record<string, string> = {}) {
  const res = await raw.send({ method: "GET", url, headers });
  const chunks: Buffer[] = [];
  for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
  return { status: res.status, body: Buffer.concat(chunks) };
}

/** Signs `request` as `role` (a 5-minute URL) and sends it with exactly its headers and `body`. */
async function sendAs(
  role: Role,
  request: Omit<PresignRequest, "expiresInSeconds">,
  body?: Buffer | string,
): Promise<Answer> {
  return send(
    await presigners[role].sign({ ...request, expiresInSeconds: 300 }),
    request.method,
    body,
  );
}

/** Starts a multipart upload of `key` as the Uploader (SHA256 declared, as the CLI does). */
const createMultipart = (key: string) =>
  sendAs("uploader", {
    method: "POST",
    key,
    query: { uploads: "" },
    headers: { "x-amz-checksum-algorithm": "SHA256" },
  });

const presignerFor = (credentials: LaneCredentials, now?: () => number) =>
  createPresigner({ config: lane.config(), credentials, ...(now ? { now } : {}) });

/** PUT one object as the Uploader, the way the CLI does (checksum signed). */
function putObject(key: string, data: Buffer): Promise<Answer> {
  const headers = {
    "content-length": String(data.length),
    "x-amz-checksum-sha256": sha256(data),
    "x-amz-sdk-checksum-algorithm": "SHA256",
  };
  return sendAs("uploader", { method: "PUT", key, headers }, data);
}

/** Raw requests go through the CLI's own transport, so "exactly its headers" holds. */
const raw = createHttpTransport({ connections: 4 });

beforeAll(async () => {
  lane = await startMinioLane();
  work = mkdtempSync(join(tmpdir(), "strongbox-minio-test-"));
  for (const role of ["uploader", "viewer", "admin"] as const) {
    sessions[role] = await lane.sessionFor(role);
    presigners[role] = presignerFor(sessions[role]);
  }
});

afterAll(async () => {
  await raw.close();
  await lane?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("MinIO accepts every kind of URL the CLI makes, with exactly its headers", () => {
  const key = "accepted/report.bin";
  const data = randomBytes(64 * 1024 + 17);
  let versionId: string | undefined;

  test("PUT with a signed x-amz-checksum-sha256", async () => {
    const answer = await putObject(key, data);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.headers["x-amz-checksum-sha256"]).toBe(sha256(data));
    versionId = answer.headers["x-amz-version-id"];
    expect(versionId).toBeTruthy();
  });

  test("multipart: create, upload parts, list parts, complete", async () => {
    const mpKey = "accepted/multipart.bin";
    const parts = [randomBytes(5 * MiB), randomBytes(1234)];
    const create = await createMultipart(mpKey);
    expect(create.status, create.text).toBe(200);
    const uploadId = xml(create.text, "UploadId");
    expect(uploadId).toBeTruthy();
    const etags: string[] = [];
    for (const [index, part] of parts.entries()) {
      const answer = await sendAs(
        "uploader",
        {
          method: "PUT",
          key: mpKey,
          query: { partNumber: String(index + 1), uploadId: uploadId as string },
          headers: { "content-length": String(part.length), "x-amz-checksum-sha256": sha256(part) },
        },
        part,
      );
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers["x-amz-checksum-sha256"]).toBe(sha256(part));
      etags.push(answer.headers.etag as string);
    }
    const listed = await sendAs("uploader", {
      method: "GET",
      key: mpKey,
      query: { uploadId: uploadId as string },
    });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.text.match(/<Part>/g)?.length).toBe(2);
    const body = `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts
      .map(
        (part, i) =>
          `<Part><PartNumber>${i + 1}</PartNumber><ETag>${etags[i]}</ETag><ChecksumSHA256>${sha256(part)}</ChecksumSHA256></Part>`,
      )
      .join("")}</CompleteMultipartUpload>`;
    const completed = await sendAs(
      "uploader",
      {
        method: "POST",
        key: mpKey,
        query: { uploadId: uploadId as string },
        headers: {
          "content-type": "application/xml",
          "content-length": String(Buffer.byteLength(body)),
        },
      },
      body,
    );
    expect(completed.status, completed.text).toBe(200);
    expect(completed.text).not.toContain("<Error>");
    expect(completed.text).toContain("<CompleteMultipartUploadResult");
  });

  test("abort a multipart upload", async () => {
    const abortKey = "accepted/aborted.bin";
    const create = await createMultipart(abortKey);
    const uploadId = xml(create.text, "UploadId") as string;
    const aborted = await sendAs("uploader", {
      method: "DELETE",
      key: abortKey,
      query: { uploadId },
    });
    expect(aborted.status, aborted.text).toBe(204);
  });

  test("GET, ranged GET, HEAD with checksum mode, GET of a version", async () => {
    const get = await getBytes(
      (await presigners.viewer.sign({ method: "GET", key, expiresInSeconds: 300 })).url,
    );
    expect(get.status).toBe(200);
    expect(get.body.equals(data)).toBe(true);

    const ranged = await presigners.viewer.sign({
      method: "GET",
      key,
      headers: { range: "bytes=100-1099" },
      expiresInSeconds: 300,
    });
    const rangedRes = await getBytes(ranged.url, ranged.headers);
    expect(rangedRes.status).toBe(206);
    expect(rangedRes.body.equals(data.subarray(100, 1100))).toBe(true);

    const head = await sendAs("viewer", {
      method: "HEAD",
      key,
      headers: { "x-amz-checksum-mode": "ENABLED" },
    });
    expect(head.status).toBe(200);
    expect(Number(head.headers["content-length"])).toBe(data.length);

    const version = await sendAs("viewer", {
      method: "GET",
      key,
      query: { versionId: versionId as string },
    });
    expect(version.status).toBe(200);
  });

  test("ListObjectsV2 on the bucket (a prefix download's listing), page by page", async () => {
    const prefix = `listing-${Date.now()}/`;
    for (const name of ["a.txt", "b/c.txt", "b/d e.txt"])
      expect((await putObject(`${prefix}${name}`, Buffer.from(name))).status).toBe(200);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await sendAs("viewer", {
        method: "GET",
        key: null,
        query: {
          "list-type": "2",
          prefix,
          "max-keys": "2",
          ...(token ? { "continuation-token": token } : {}),
        },
      });
      expect(page.status).toBe(200);
      keys.push(...[...page.text.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] as string));
      token =
        xml(page.text, "IsTruncated") === "true"
          ? xml(page.text, "NextContinuationToken")
          : undefined;
    } while (token);
    expect(keys.sort()).toEqual([`${prefix}a.txt`, `${prefix}b/c.txt`, `${prefix}b/d e.txt`]);
    // The Uploader may not list.
    const refused = await sendAs("uploader", {
      method: "GET",
      key: null,
      query: { "list-type": "2", prefix },
    });
    expect(refused.status).toBe(403);
  });
});

describe("MinIO refuses tampered, expired and header-changed requests", () => {
  const key = "refused/target.bin";
  const data = randomBytes(4096);

  beforeAll(async () => {
    expect((await putObject(key, data)).status).toBe(200);
  });

  const getUrl = () => presigners.viewer.sign({ method: "GET", key, expiresInSeconds: 300 });

  test("a changed signature", async () => {
    const signed = await getUrl();
    const url = new URL(signed.url);
    const signature = url.searchParams.get("X-Amz-Signature") as string;
    url.searchParams.set(
      "X-Amz-Signature",
      `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`,
    );
    const answer = await send({ ...signed, url: url.toString() }, "GET");
    expect(answer.status).toBe(403);
    expect(answer.code).toBe("SignatureDoesNotMatch");
  });

  test("a changed key", async () => {
    const signed = await getUrl();
    const answer = await send(
      { ...signed, url: signed.url.replace("/refused/target.bin", "/refused/other.bin") },
      "GET",
    );
    expect(answer.status).toBe(403);
    expect(answer.code).toBe("SignatureDoesNotMatch");
  });

  test("an expired URL", async () => {
    const signed = await presigners.viewer.sign({ method: "GET", key, expiresInSeconds: 1 });
    await new Promise((done) => setTimeout(done, 2500));
    const answer = await send(signed, "GET");
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(/expired/i);
    const mapped = mapS3HttpError({
      status: answer.status,
      s3ErrorCode: answer.code,
      s3Message: xml(answer.text, "Message"),
      action: "GetObject",
      role: "viewer",
      key,
    });
    expect(mapped.message).toMatch(/expired/);
  });

  test("a signed checksum header sent with another value, or left out", async () => {
    const other = randomBytes(4096);
    const signed = await presigners.uploader.sign({
      method: "PUT",
      key: "refused/put.bin",
      headers: { "content-length": String(other.length), "x-amz-checksum-sha256": sha256(other) },
      expiresInSeconds: 300,
    });
    const changed = await send(signed, "PUT", other, { "x-amz-checksum-sha256": sha256(data) });
    expect(changed.status).toBe(403);
    expect(changed.code).toBe("SignatureDoesNotMatch");
    const { "x-amz-checksum-sha256": _dropped, ...without } = signed.headers;
    const missing = await send(signed, "PUT", other, {}, without);
    // AWS answers 403 SignatureDoesNotMatch; MinIO answers 400 AccessDenied
    // ("headers present in the request which were not signed"). Refused either way.
    expect([
      [403, "SignatureDoesNotMatch"],
      [400, "AccessDenied"],
    ]).toContainEqual([missing.status, missing.code]);
    // Control: the same URL with exactly its headers is accepted.
    expect((await send(signed, "PUT", other)).status).toBe(200);
  });

  test("a body that does not match its signed checksum", async () => {
    const declared = randomBytes(2048);
    const headers = {
      "content-length": String(declared.length),
      "x-amz-checksum-sha256": sha256(declared),
    };
    const answer = await sendAs(
      "uploader",
      { method: "PUT", key: "refused/corrupt.bin", headers },
      randomBytes(2048),
    );
    expect(answer.status).toBe(400);
    expect(answer.code).toMatch(/BadDigest|XAmzContentChecksumMismatch|InvalidChecksum/);
  });

  test("a pre-signed URL older than the maximum signature age, though not expired", async () => {
    const old = presignerFor(sessions.viewer, () => Date.now() - 2 * LANE_MAX_SIGNATURE_AGE_MS);
    const signed = await old.sign({ method: "GET", key, expiresInSeconds: 3600 });
    const answer = await send(signed, "GET");
    expect(answer.status).toBe(403);
    expect(answer.code).toBe("AccessDenied");
    // Control: the same session, signing now, is accepted.
    expect((await send(await getUrl(), "GET")).status).toBe(200);
  });

  test("a write naming another encryption algorithm", async () => {
    const body = randomBytes(1024);
    const headers = {
      "content-length": String(body.length),
      "x-amz-server-side-encryption": "AES256",
    };
    const answer = await sendAs(
      "uploader",
      { method: "PUT", key: "refused/sse-s3.bin", headers },
      body,
    );
    expect(answer.status).toBe(403);
    expect(answer.code).toBe("AccessDenied");
  });

  test("SigV2 is refused by policy, though its signature is valid", async () => {
    const sigV2Get = async (credentials: LaneCredentials) => {
      const date = new Date().toUTCString();
      const resource = `/${lane.bucket}/${key}`;
      const stringToSign = `GET\n\n\n${date}\nx-amz-security-token:${credentials.sessionToken}\n${resource}`;
      const signature = createHmac("sha1", credentials.secretAccessKey)
        .update(stringToSign)
        .digest("base64");
      const res = await raw.send({
        method: "GET",
        url: `${lane.endpoint}${resource}`,
        headers: {
          date,
          "x-amz-security-token": credentials.sessionToken as string,
          authorization: `AWS ${credentials.accessKeyId}:${signature}`,
        },
      });
      const text = await res.text();
      return { status: res.status, code: xml(text, "Code") };
    };
    const refused = await sigV2Get(sessions.viewer);
    expect(refused).toEqual({ status: 403, code: "AccessDenied" });
    // Control: a session whose policy lacks the SigV2 denial gets through.
    const policy = laneRolePolicy("viewer", lane.bucket);
    const statements = policy.Statement as Array<{ Sid?: string }>;
    policy.Statement = statements.filter((s) => s.Sid !== "DenyAnythingButSigV4") as never;
    const lax = await lane.sessionWithPolicy("strongbox-viewer-without-sigv2-denial", policy);
    expect((await sigV2Get(lax)).status).toBe(200);
  });
});

describe("the server refuses what a role may not do, and the CLI says so (exit 3)", () => {
  const key = "roles/owned.bin";
  const data = randomBytes(1000);

  beforeAll(async () => {
    expect((await putObject(key, data)).status).toBe(200);
  });

  test("a Viewer's PUT", async () => {
    const answer = await sendAs(
      "viewer",
      {
        method: "PUT",
        key,
        headers: { "content-length": String(data.length), "x-amz-checksum-sha256": sha256(data) },
      },
      data,
    );
    expect(answer.status).toBe(403);
    expect(answer.code).toBe("AccessDenied");
    const error = mapS3HttpError({
      status: answer.status,
      s3ErrorCode: answer.code,
      s3Message: xml(answer.text, "Message"),
      action: "PutObject",
      role: "viewer",
      bucket: lane.bucket,
      key,
    });
    expect(error.exitCode).toBe(3);
    expect(error.kind).toBe("access-denied");
    expect(error.message).toMatch(/viewer/i);
    expect(`${error.message} ${error.hint ?? ""}`).toMatch(/uploader|admin/i);
    expect(`${error.message} ${error.hint ?? ""}`).not.toContain("X-Amz-Signature");
  });

  test("an Uploader's GET", async () => {
    const answer = await sendAs("uploader", { method: "GET", key });
    expect(answer.status).toBe(403);
    expect(answer.code).toBe("AccessDenied");
    const error = mapS3HttpError({
      status: answer.status,
      s3ErrorCode: answer.code,
      action: "GetObject",
      role: "uploader",
      bucket: lane.bucket,
      key,
    });
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/uploader/i);
  });

  test("an Uploader's listing (an SDK call, as `ls` makes) and a Viewer's delete", async () => {
    const s3 = new S3Client({
      region: LANE_REGION,
      endpoint: lane.endpoint,
      forcePathStyle: true,
      credentials: sessions.uploader,
    });
    const listing = await s3
      .send(new ListObjectsV2Command({ Bucket: lane.bucket }))
      .catch((e: unknown) => e);
    s3.destroy();
    expect((listing as { name?: string }).name).toBe("AccessDenied");
    const mapped = mapAwsError(listing, { action: "ListObjectsV2", role: "uploader" });
    expect(mapped.exitCode).toBe(3);

    const del = await sendAs("viewer", { method: "DELETE", key });
    expect(del.status).toBe(403);
    expect(del.code).toBe("AccessDenied");
  });
});

describe("the transfer engine against MinIO", () => {
  let transport: Transport;
  beforeAll(() => {
    transport = createHttpTransport();
  });
  afterAll(async () => {
    await transport?.close();
  });

  const deps = (role: Role) => ({
    presigner: presigners[role],
    role,
    transport,
    stateStore: createFileStateStore(join(work, "transfers")),
    sessionExpiresAt: sessions[role].expiration,
  });

  test("a multipart upload and a ranged download give back the same bytes", async () => {
    const path = join(work, "twelve-mib.bin");
    const original = randomBytes(12 * MiB + 333);
    writeFileSync(path, original);
    const uploaded = await uploadFile(deps("uploader"), {
      bucket: lane.bucket,
      path,
      key: "engine/twelve-mib.bin",
      partSize: 5 * MiB,
      threshold: 5 * MiB,
      concurrency: 3,
    });
    expect(uploaded.parts).toBe(3);
    expect(uploaded.size).toBe(original.length);

    const out = join(work, "downloaded.bin");
    const downloaded = await downloadObject(deps("viewer"), {
      bucket: lane.bucket,
      key: "engine/twelve-mib.bin",
      out,
      chunkSize: 5 * MiB,
      threshold: 5 * MiB,
      concurrency: 3,
    });
    expect(downloaded.size).toBe(original.length);
    expect(downloaded.verified).not.toBe("none");
    const copy = await readFile(out);
    expect(createHash("sha256").update(copy).digest("hex")).toBe(
      createHash("sha256").update(original).digest("hex"),
    );
  });

  test("the engine reports a Viewer's upload and an Uploader's download as access denied", async () => {
    const path = join(work, "small.bin");
    writeFileSync(path, randomBytes(2048));
    const upload = await uploadFile(deps("viewer"), {
      bucket: lane.bucket,
      path,
      key: "engine/denied.bin",
    }).catch((e: unknown) => e);
    expect(upload).toBeInstanceOf(StrongboxError);
    expect((upload as StrongboxError).exitCode).toBe(3);
    expect((upload as StrongboxError).message).toBe(
      `access denied: role viewer may not PutObject on s3://${lane.bucket}/engine/denied.bin; uploader or admin can.`,
    );
    expect((upload as StrongboxError).hint).toBe(
      "run `strongbox login --role uploader` and retry with --role uploader",
    );

    const download = await downloadObject(deps("uploader"), {
      bucket: lane.bucket,
      key: "engine/twelve-mib.bin",
      out: join(work, "denied.bin"),
    }).catch((e: unknown) => e);
    expect(download).toBeInstanceOf(StrongboxError);
    expect((download as StrongboxError).exitCode).toBe(3);
    expect((download as StrongboxError).message).toBe(
      `access denied: role uploader may not HeadObject on s3://${lane.bucket}/engine/twelve-mib.bin; viewer or admin can.`,
    );
  });

  test("create-only: the Uploader creates a key but cannot replace it (single PUT and multipart); nothing is left; the Admin can", async () => {
    const root = new S3Client({
      region: LANE_REGION,
      endpoint: lane.endpoint,
      forcePathStyle: true,
      credentials: lane.root,
    });
    const bytes = async (key: string) => {
      const out = join(work, `check-${key.replaceAll("/", "_")}`);
      await downloadObject(deps("viewer"), { bucket: lane.bucket, key, out });
      return readFile(out);
    };
    try {
      for (const [key, size] of [
        ["create-only/one.bin", 4096],
        ["create-only/eleven-mib.bin", 11 * MiB],
      ] as const) {
        const first = join(work, "first.bin");
        const second = join(work, "second.bin");
        const original = randomBytes(size);
        writeFileSync(first, original);
        writeFileSync(second, randomBytes(size));
        const options = {
          bucket: lane.bucket,
          key,
          partSize: 5 * MiB,
          threshold: 5 * MiB,
          createOnly: true,
        };
        const created = await uploadFile(deps("uploader"), { ...options, path: first });
        expect(created.parts).toBe(size > 5 * MiB ? 3 : 1);

        const refused = await uploadFile(deps("uploader"), { ...options, path: second }).catch(
          (e: unknown) => e,
        );
        expect(refused).toBeInstanceOf(StrongboxError);
        expect((refused as StrongboxError).exitCode).toBe(3);
        expect((refused as StrongboxError).message).toBe(
          `already exists on s3://${lane.bucket}/${key}: role uploader may only create new keys; admin can replace it.`,
        );
        // The refused multipart upload was aborted: no parts stay billed.
        const open = await root.send(
          new ListMultipartUploadsCommand({ Bucket: lane.bucket, Prefix: key }),
        );
        expect(open.Uploads ?? []).toEqual([]);
        expect((await bytes(key)).equals(original)).toBe(true);
      }

      // The Admin replaces a key (no condition sent).
      const replacement = randomBytes(2048);
      const path = join(work, "replacement.bin");
      writeFileSync(path, replacement);
      await uploadFile(deps("admin"), { bucket: lane.bucket, key: "create-only/one.bin", path });
      expect((await bytes("create-only/one.bin")).equals(replacement)).toBe(true);
    } finally {
      root.destroy();
    }
  });
});
