import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { StrongboxError } from "../../src/core/errors.js";
import type { Role } from "../../src/core/roles.js";
import { downloadObject } from "../../src/core/transfer/download.js";
import { createFileStateStore } from "../../src/core/transfer/state-store.js";
import { createHttpTransport, type Transport } from "../../src/core/transfer/transport.js";
import { uploadFile } from "../../src/core/transfer/upload.js";
import { LANE_REGION } from "./support/minio.js";
import { MiB, useStrictLane } from "./support/minio-strict.js";

/*
 * The strict S3 lane (support/minio-strict.ts): MinIO checks every signature,
 * expiry and session policy for real. Here: the transfer engine (multipart upload,
 * ranged download, create-only) against it.
 */

const strict = useStrictLane();
const { sessions, presigners } = strict;

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
    stateStore: createFileStateStore(join(strict.work, "transfers")),
    sessionExpiresAt: sessions[role].expiration,
  });

  test("a multipart upload and a ranged download give back the same bytes", async () => {
    const path = join(strict.work, "twelve-mib.bin");
    const original = randomBytes(12 * MiB + 333);
    writeFileSync(path, original);
    const uploaded = await uploadFile(deps("uploader"), {
      bucket: strict.lane.bucket,
      path,
      key: "engine/twelve-mib.bin",
      partSize: 5 * MiB,
      threshold: 5 * MiB,
      concurrency: 3,
    });
    expect(uploaded.parts).toBe(3);
    expect(uploaded.size).toBe(original.length);

    const out = join(strict.work, "downloaded.bin");
    const downloaded = await downloadObject(deps("viewer"), {
      bucket: strict.lane.bucket,
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
    const path = join(strict.work, "small.bin");
    writeFileSync(path, randomBytes(2048));
    const upload = await uploadFile(deps("viewer"), {
      bucket: strict.lane.bucket,
      path,
      key: "engine/denied.bin",
    }).catch((e: unknown) => e);
    expect(upload).toBeInstanceOf(StrongboxError);
    expect((upload as StrongboxError).exitCode).toBe(3);
    expect((upload as StrongboxError).message).toBe(
      `access denied: role viewer may not PutObject on s3://${strict.lane.bucket}/engine/denied.bin; uploader or admin can.`,
    );
    expect((upload as StrongboxError).hint).toBe(
      "run `strongbox login --role uploader` and retry with --role uploader",
    );

    const download = await downloadObject(deps("uploader"), {
      bucket: strict.lane.bucket,
      key: "engine/twelve-mib.bin",
      out: join(strict.work, "denied.bin"),
    }).catch((e: unknown) => e);
    expect(download).toBeInstanceOf(StrongboxError);
    expect((download as StrongboxError).exitCode).toBe(3);
    expect((download as StrongboxError).message).toBe(
      `access denied: role uploader may not HeadObject on s3://${strict.lane.bucket}/engine/twelve-mib.bin; viewer or admin can.`,
    );
  });

  test("create-only: the Uploader creates a key but cannot replace it (single PUT and multipart); nothing is left; the Admin can", async () => {
    const root = new S3Client({
      region: LANE_REGION,
      endpoint: strict.lane.endpoint,
      forcePathStyle: true,
      credentials: strict.lane.root,
    });
    const bytes = async (key: string) => {
      const out = join(strict.work, `check-${key.replaceAll("/", "_")}`);
      await downloadObject(deps("viewer"), { bucket: strict.lane.bucket, key, out });
      return readFile(out);
    };
    try {
      for (const [key, size] of [
        ["create-only/one.bin", 4096],
        ["create-only/eleven-mib.bin", 11 * MiB],
      ] as const) {
        const first = join(strict.work, "first.bin");
        const second = join(strict.work, "second.bin");
        const original = randomBytes(size);
        writeFileSync(first, original);
        writeFileSync(second, randomBytes(size));
        const options = {
          bucket: strict.lane.bucket,
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
          `already exists on s3://${strict.lane.bucket}/${key}: role uploader may only create new keys; admin can replace it.`,
        );
        // The refused multipart upload was aborted: no parts stay billed.
        const open = await root.send(
          new ListMultipartUploadsCommand({ Bucket: strict.lane.bucket, Prefix: key }),
        );
        expect(open.Uploads ?? []).toEqual([]);
        expect((await bytes(key)).equals(original)).toBe(true);
      }

      // The Admin replaces a key (no condition sent).
      const replacement = randomBytes(2048);
      const path = join(strict.work, "replacement.bin");
      writeFileSync(path, replacement);
      await uploadFile(deps("admin"), {
        bucket: strict.lane.bucket,
        key: "create-only/one.bin",
        path,
      });
      expect((await bytes("create-only/one.bin")).equals(replacement)).toBe(true);
    } finally {
      root.destroy();
    }
  });
});
