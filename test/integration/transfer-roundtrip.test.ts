import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema, type StrongboxConfig } from "../../src/core/config.js";
import { StrongboxError } from "../../src/core/errors.js";
import { createPresigner } from "../../src/core/presign.js";
import type { Role } from "../../src/core/roles.js";
import { downloadObject } from "../../src/core/transfer/download.js";
import { MiB } from "../../src/core/transfer/part-plan.js";
import { createFileStateStore } from "../../src/core/transfer/state-store.js";
import { createHttpTransport, type Transport } from "../../src/core/transfer/transport.js";
import { type TransferEvent, uploadFile } from "../../src/core/transfer/upload.js";
import { uploadPaths } from "../../src/core/transfer/upload-many.js";
import { assumeStackRole, loadTestStack, type TestStack } from "./support/stack.js";

/**
 * Transfers through the core, in process, against the Terraform-applied moto
 * stack, with real role sessions from STS. Moto checks no signature: these
 * prove the wiring and the bytes; signatures are proven on MinIO.
 */
let stack: TestStack;
let config: StrongboxConfig;
let work: string;
const transports: Transport[] = [];

const roleCredentials = (role: Role) =>
  assumeStackRole(stack, config, role, `transfer-test-${role}`);

async function deps(
  role: Role,
  extra: { signal?: AbortSignal; onEvent?: (e: TransferEvent) => void } = {},
) {
  const credentials = await roleCredentials(role);
  const transport = createHttpTransport({ connections: 10 });
  transports.push(transport);
  return {
    presigner: createPresigner({ config, credentials }),
    transport,
    stateStore: createFileStateStore(join(work, "transfers")),
    sessionExpiresAt: credentials.expiration,
    ...extra,
  };
}

/** Admin's SDK client, to look at what S3 stored independently of the code under test. */
async function adminS3(): Promise<S3Client> {
  const credentials = await roleCredentials("admin");
  return new S3Client({
    region: config.region,
    endpoint: stack.endpoint,
    forcePathStyle: true,
    credentials,
  });
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function randomFile(name: string, size: number): Promise<string> {
  const path = join(work, name);
  const handle = await import("node:fs/promises").then((fs) => fs.open(path, "w"));
  for (let written = 0; written < size; ) {
    const n = Math.min(8 * MiB, size - written);
    await handle.write(randomBytes(n));
    written += n;
  }
  await handle.close();
  return path;
}

beforeAll(async () => {
  stack = loadTestStack();
  config = configSchema.parse(JSON.parse(await readFile(stack.configPath, "utf8")));
  work = await mkdtemp(join(tmpdir(), "strongbox-transfer-"));
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close().catch(() => {})));
  if (work) await rm(work, { recursive: true, force: true });
});

describe("transfers against the local stack", () => {
  it.each([
    ["1 byte (single PUT)", 1, "FULL_OBJECT", 1, "sha256"],
    ["20 MiB (multipart, 2 parts of 16 MiB)", 20 * MiB, "COMPOSITE", 2, "composite-sha256"],
    ["200 MiB (multipart, 13 parts)", 200 * MiB, "COMPOSITE", 13, "composite-sha256"],
  ] as const)(
    "uploads %s as the uploader and the viewer downloads the same bytes",
    async (_label, size, type, parts, verified) => {
      const path = await randomFile(`file-${size}.bin`, size);
      const key = `roundtrip/${size}.bin`;
      const up = await uploadFile(await deps("uploader"), { path, key, bucket: config.bucket });
      expect(up).toMatchObject({ key, size, checksumType: type, parts });
      expect(up.versionId).toBeTruthy();
      const expectedChecksum =
        type === "FULL_OBJECT"
          ? createHash("sha256")
              .update(await readFile(path))
              .digest("base64")
          : undefined;
      if (expectedChecksum) expect(up.checksum).toBe(expectedChecksum);
      else expect(up.checksum).toMatch(new RegExp(`^[A-Za-z0-9+/]{43}=-${parts}$`));

      // What S3 stored, read with the SDK (not our code): same bytes.
      const s3 = await adminS3();
      const stored = await s3.send(new GetObjectCommand({ Bucket: config.bucket, Key: key }));
      const storedHash = createHash("sha256")
        .update((await stored.Body?.transformToByteArray()) ?? new Uint8Array())
        .digest("hex");
      expect(storedHash).toBe(await sha256File(path));

      const out = join(work, "down", `${size}`);
      await mkdir(out, { recursive: true });
      const down = await downloadObject(await deps("viewer"), {
        bucket: config.bucket,
        key,
        out: `${out}/`,
      });
      expect(down.path).toBe(join(out, "roundtrip", `${size}.bin`));
      expect(down.size).toBe(size);
      expect(await sha256File(down.path)).toBe(await sha256File(path));
      // Checked against the checksum S3 stored (the ETag is no MD5 under SSE-KMS).
      expect(down.verified).toBe(verified);
      expect(down.checksum?.replace(/-\d+$/, "")).toBe(up.checksum.replace(/-\d+$/, ""));
      // Nothing temporary left next to the result.
      expect(
        (await readdir(join(out, "roundtrip"))).filter((f) => f.includes("strongbox-partial")),
      ).toEqual([]);
    },
  );

  it("downloads a given version with --version-id, not the latest", async () => {
    const path = join(work, "versioned.txt");
    await writeFile(path, "first version\n");
    const first = await uploadFile(await deps("uploader"), {
      path,
      key: "versioned.txt",
      bucket: config.bucket,
    });
    await writeFile(path, "second version, longer\n");
    await uploadFile(await deps("uploader"), { path, key: "versioned.txt", bucket: config.bucket });
    const down = await downloadObject(await deps("viewer"), {
      bucket: config.bucket,
      key: "versioned.txt",
      versionId: first.versionId ?? "",
      out: join(work, "v1.txt"),
    });
    expect(await readFile(down.path, "utf8")).toBe("first version\n");
    expect(down.versionId).toBe(first.versionId);
  });

  it("uploads a folder recursively with key = prefix + relative path", async () => {
    const dir = join(work, "tree");
    await mkdir(join(dir, "a", "b"), { recursive: true });
    await writeFile(join(dir, "top.txt"), "top");
    await writeFile(join(dir, "a", "b", "deep.txt"), "deep");
    await writeFile(join(dir, "a", "empty.txt"), "");
    const results = await uploadPaths(await deps("uploader"), {
      paths: [dir],
      prefix: "tree/",
      bucket: config.bucket,
    });
    expect(results.map((r) => r.key).sort()).toEqual([
      "tree/a/b/deep.txt",
      "tree/a/empty.txt",
      "tree/top.txt",
    ]);
    const s3 = await adminS3();
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: config.bucket, Key: "tree/a/b/deep.txt" }),
    );
    expect(head.ContentLength).toBe(4);
  });

  it("refuses to write a hostile key outside the target folder (and writes nothing)", async () => {
    const s3 = await adminS3();
    // Keys S3 accepts as plain strings; written with the SDK as an attacker would.
    const hostile = [
      "../escape.txt",
      "a/../../escape2.txt",
      "\uff0e\uff0e/escape3.txt",
      "C:/escape4.txt",
    ];
    for (const key of hostile) {
      await s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: "pwned" }));
    }
    const target = join(work, "jail", "inner");
    await mkdir(target, { recursive: true });
    for (const key of hostile) {
      const attempt = downloadObject(await deps("viewer"), {
        bucket: config.bucket,
        key,
        out: `${target}/`,
      });
      await expect(attempt).rejects.toThrow(/Refusing to write key/);
    }
    expect(await readdir(join(work, "jail"))).toEqual(["inner"]);
    expect(await readdir(target)).toEqual([]);
  });

  it("reports a missing key as not found", async () => {
    const attempt = downloadObject(await deps("viewer"), {
      bucket: config.bucket,
      key: "no/such/key.bin",
      out: join(work, "missing.bin"),
    });
    await expect(attempt).rejects.toMatchObject({ kind: "not-found" });
  });

  it("Ctrl-C without --resume keeps the parts and the state, says how to resume; a plain rerun starts over and frees them", async () => {
    const path = await randomFile("interrupt.bin", 80 * MiB);
    const controller = new AbortController();
    let bytes = 0;
    const onEvent = (e: TransferEvent) => {
      if (e.type === "bytes") bytes += e.delta;
      if (bytes > 20 * MiB && !controller.signal.aborted) controller.abort();
    };
    const options = {
      path,
      key: "interrupted.bin",
      bucket: config.bucket,
      partSize: 5 * MiB,
      concurrency: 2,
    };
    const error = await uploadFile(
      await deps("uploader", { signal: controller.signal, onEvent }),
      options,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect((error as StrongboxError).kind).toBe("interrupted");
    expect((error as StrongboxError).hint).toMatch(/--resume/);
    const s3 = await adminS3();
    const pending = async () =>
      (
        await s3.send(
          new ListMultipartUploadsCommand({ Bucket: config.bucket, Prefix: "interrupted.bin" }),
        )
      ).Uploads ?? [];
    expect(await pending()).toHaveLength(1);
    const records = await readdir(join(work, "transfers")).catch(() => []);
    expect(records.filter((f) => f.endsWith(".json"))).toHaveLength(1);

    await uploadFile(await deps("uploader"), options);
    expect(await pending()).toEqual([]);
    const after = await readdir(join(work, "transfers")).catch(() => []);
    expect(after.filter((f) => f.endsWith(".json"))).toEqual([]);
  });

  it("Ctrl-C with --resume keeps the state, and the next run finishes with the same bytes", async () => {
    const path = await randomFile("resume-me.bin", 60 * MiB);
    const controller = new AbortController();
    let bytes = 0;
    const onEvent = (e: TransferEvent) => {
      if (e.type === "bytes") bytes += e.delta;
      if (bytes > 25 * MiB && !controller.signal.aborted) controller.abort();
    };
    const options = {
      path,
      key: "resumed.bin",
      bucket: config.bucket,
      partSize: 5 * MiB,
      concurrency: 2,
      resume: true,
    };
    const first = await uploadFile(
      await deps("uploader", { signal: controller.signal, onEvent }),
      options,
    ).catch((e: unknown) => e);
    expect((first as StrongboxError).kind).toBe("interrupted");
    const kept = (await readdir(join(work, "transfers"))).filter((f) => f.endsWith(".json"));
    expect(kept.length).toBe(1);
    const record = JSON.parse(await readFile(join(work, "transfers", kept[0] ?? ""), "utf8"));
    expect(record.parts.length).toBeGreaterThan(0);
    expect(record.parts.length).toBeLessThan(12);

    const sent: number[] = [];
    const second = await uploadFile(
      await deps("uploader", { onEvent: (e) => e.type === "bytes" && sent.push(e.delta) }),
      options,
    );
    expect(second.parts).toBe(12);
    const s3 = await adminS3();
    const stored = await s3.send(
      new GetObjectCommand({ Bucket: config.bucket, Key: "resumed.bin" }),
    );
    const storedHash = createHash("sha256")
      .update((await stored.Body?.transformToByteArray()) ?? new Uint8Array())
      .digest("hex");
    expect(storedHash).toBe(await sha256File(path));
    expect((await readdir(join(work, "transfers"))).filter((f) => f.endsWith(".json"))).toEqual([]);
  });

  it("refuses to start when the role session is about to end", async () => {
    const d = await deps("uploader");
    const path = join(work, "late.txt");
    await writeFile(path, "late");
    const attempt = uploadFile(
      { ...d, sessionExpiresAt: new Date(Date.now() + 30_000) },
      { path, key: "late.txt", bucket: config.bucket },
    );
    await expect(attempt).rejects.toMatchObject({ kind: "credentials" });
  });

  it("tells a vanished file apart from other failures", async () => {
    const attempt = uploadFile(await deps("uploader"), {
      path: join(work, "never-existed.bin"),
      key: "x",
      bucket: config.bucket,
    });
    await expect(attempt).rejects.toThrow(/No such file/);
    expect((await stat(work)).isDirectory()).toBe(true);
  });
});
