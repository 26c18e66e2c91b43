import { createHmac, randomBytes } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { mapS3HttpError } from "../../src/core/aws-errors.js";
import {
  LANE_MAX_SIGNATURE_AGE_MS,
  type LaneCredentials,
  laneRolePolicy,
} from "./support/minio.js";
import { sha256, useStrictLane, xml } from "./support/minio-strict.js";

/*
 * The strict S3 lane (support/minio-strict.ts): MinIO checks every signature,
 * expiry and session policy for real. Here: a tampered, expired or header-changed
 * request is refused.
 */

const strict = useStrictLane();
const { sessions, presigners, raw, send, sendAs, presignerFor, putObject } = strict;

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
      const resource = `/${strict.lane.bucket}/${key}`;
      const stringToSign = `GET\n\n\n${date}\nx-amz-security-token:${credentials.sessionToken}\n${resource}`;
      const signature = createHmac("sha1", credentials.secretAccessKey)
        .update(stringToSign)
        .digest("base64");
      const res = await raw.send({
        method: "GET",
        url: `${strict.lane.endpoint}${resource}`,
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
    const policy = laneRolePolicy("viewer", strict.lane.bucket);
    const statements = policy.Statement as Array<{ Sid?: string }>;
    policy.Statement = statements.filter((s) => s.Sid !== "DenyAnythingButSigV4") as never;
    const lax = await strict.lane.sessionWithPolicy(
      "strongbox-viewer-without-sigv2-denial",
      policy,
    );
    expect((await sigV2Get(lax)).status).toBe(200);
  });
});
