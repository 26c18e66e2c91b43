import { randomBytes } from "node:crypto";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, test } from "vitest";
import { mapAwsError, mapS3HttpError } from "../../src/core/aws-errors.js";
import { LANE_REGION } from "./support/minio.js";
import { sha256, useStrictLane, xml } from "./support/minio-strict.js";

/*
 * The strict S3 lane (support/minio-strict.ts): MinIO checks every signature,
 * expiry and session policy for real. Here: the server refuses what a role may not
 * do, and the CLI maps the refusal to exit 3.
 */

const strict = useStrictLane();
const { sessions, sendAs, putObject } = strict;

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
      bucket: strict.lane.bucket,
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
      bucket: strict.lane.bucket,
      key,
    });
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/uploader/i);
  });

  test("an Uploader's listing (an SDK call, as `ls` makes) and a Viewer's delete", async () => {
    const s3 = new S3Client({
      region: LANE_REGION,
      endpoint: strict.lane.endpoint,
      forcePathStyle: true,
      credentials: sessions.uploader,
    });
    const listing = await s3
      .send(new ListObjectsV2Command({ Bucket: strict.lane.bucket }))
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
