import { randomBytes } from "node:crypto";
import { describe, expect, test } from "vitest";
import { MiB, sha256, useStrictLane, xml } from "./support/minio-strict.js";

/*
 * The strict S3 lane (support/minio-strict.ts): MinIO checks every signature,
 * expiry and session policy for real. Here: every kind of URL the CLI makes is
 * accepted when sent with exactly the headers the presigner returns.
 */

const { presigners, sendAs, getBytes, createMultipart, putObject } = useStrictLane();

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
