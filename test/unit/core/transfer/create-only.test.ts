import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlreadyExists, s3RequestError } from "../../../../src/core/aws-errors.js";
import { StrongboxError } from "../../../../src/core/errors.js";
import type { PresignRequest } from "../../../../src/core/presign.js";
import { MiB } from "../../../../src/core/transfer/part-plan.js";
import type { HttpResponse } from "../../../../src/core/transfer/transport.js";
import { uploadFile } from "../../../../src/core/transfer/upload.js";
import { uploadPaths } from "../../../../src/core/transfer/upload-many.js";
import {
  file,
  memoryStore,
  multipartS3,
  presigner,
  response,
  type Seen,
  SMALLEST_PARTS,
  scriptedTransport,
  uploadDeps,
} from "./upload-fixtures.js";

/*
 * Create-only uploads (the Uploader's rule): the single PUT and the Complete
 * carry a signed If-None-Match: *; S3's refusal of an existing key (412, or 409
 * while another write to it finishes) reads "already exists" with the role that
 * can replace it, exit 3, and leaves no multipart upload behind.
 */

/** The Uploader's transfer dependencies on a scripted S3. */
const asUploader: typeof uploadDeps = (transport, more) =>
  uploadDeps(transport, { role: "uploader", ...more });

const PRECONDITION =
  "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>";

/**
 * A create-only multipart upload of `size` bytes by the Uploader, whose
 * Complete S3 answers with `complete` (any other request but a part with
 * `rest`): it must fail as "already exists" (exit 3).
 */
async function refusedAtComplete(
  key: string,
  size: number,
  complete: () => HttpResponse,
  rest: (req: Seen) => HttpResponse,
) {
  const path = await file(Buffer.alloc(size, 3));
  const transport = multipartS3("up-7", complete, rest);
  const store = memoryStore();
  const error = await uploadFile(asUploader(transport, { stateStore: store }), {
    path,
    key,
    bucket: "b",
    ...SMALLEST_PARTS,
    createOnly: true,
  }).catch((e: unknown) => e);
  expect(error).toMatchObject({ kind: "access-denied", exitCode: 3 });
  return { error: error as Error, transport, store };
}

describe("create-only uploads", () => {
  it("signs If-None-Match: * into the single PUT, and only when asked", async () => {
    const path = await file(Buffer.from("new report"));
    for (const createOnly of [true, false]) {
      const signed: PresignRequest[] = [];
      const transport = scriptedTransport(() => response(200, "", { "x-amz-version-id": "v1" }));
      await uploadFile(asUploader(transport, { presigner: presigner(signed) }), {
        path,
        key: "reports/q3.pdf",
        bucket: "b",
        createOnly,
      });
      expect(signed[0]?.headers?.["if-none-match"]).toBe(createOnly ? "*" : undefined);
      expect(transport.seen[0]?.headers["if-none-match"]).toBe(createOnly ? "*" : undefined);
    }
  });

  it("an existing key refuses the single PUT: already exists, admin can replace it, exit 3, no retry", async () => {
    const path = await file(Buffer.from("x"));
    const transport = scriptedTransport(() => response(412, PRECONDITION));
    const error = await uploadFile(asUploader(transport), {
      path,
      key: "reports/q3.pdf",
      bucket: "b",
      createOnly: true,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StrongboxError);
    expect(error).toMatchObject({ kind: "access-denied", exitCode: 3 });
    expect((error as StrongboxError).message).toBe(
      "already exists on s3://b/reports/q3.pdf: role uploader may only create new keys; admin can replace it.",
    );
    expect((error as StrongboxError).hint).toMatch(/--role admin/);
    expect(transport.seen).toHaveLength(1);
  });

  it("multipart: Complete carries If-None-Match: *; refused, the upload is aborted and its state dropped", async () => {
    const { error, transport, store } = await refusedAtComplete(
      "big.bin",
      11 * MiB,
      () => response(412, PRECONDITION),
      (req) => response(req.method === "DELETE" ? 204 : 500),
    );
    expect(error.message).toMatch(
      /^already exists on s3:\/\/b\/big\.bin: .*admin can replace it\.$/,
    );
    const create = transport.seen[0];
    expect(create?.headers["if-none-match"]).toBeUndefined();
    for (const part of transport.seen.filter((r) => r.method === "PUT")) {
      expect(part.headers["if-none-match"]).toBeUndefined();
    }
    const complete = transport.seen.find(
      (r) => r.method === "POST" && r.url.searchParams.has("uploadId"),
    );
    expect(complete?.headers["if-none-match"]).toBe("*");
    const abort = transport.seen.at(-1);
    expect(abort?.method).toBe("DELETE");
    expect(abort?.url.searchParams.get("uploadId")).toBe("up-7");
    expect(store.records.size).toBe(0);
  });

  it("409 ConditionalRequestConflict on Complete (another write finishing) also reads already exists", async () => {
    const { error, transport } = await refusedAtComplete(
      "k",
      6 * MiB,
      () =>
        response(
          409,
          "<Error><Code>ConditionalRequestConflict</Code><Message>A conflicting operation occurred.</Message></Error>",
        ),
      () => response(204),
    );
    expect(error.message).toMatch(
      /^already exists on s3:\/\/b\/k \(another upload to it is finishing\)/,
    );
    expect(transport.seen.at(-1)?.method).toBe("DELETE");
  });

  it("a 412 on a read keeps its old meaning: the object changed", () => {
    const error = s3RequestError({
      status: 412,
      s3ErrorCode: "PreconditionFailed",
      action: "GetObject",
      role: "viewer",
      bucket: "b",
      key: "k",
      now: 0,
    });
    expect(error.message).toMatch(/changed during GetObject/);
    expect(isAlreadyExists(error)).toBe(false);
  });

  it("in a folder, an existing key fails that file only: the others still upload", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sb-create-only-dir-"));
    await mkdir(join(dir, "f"));
    for (const name of ["a.txt", "b.txt", "c.txt"]) await writeFile(join(dir, "f", name), name);
    const transport = scriptedTransport((req) =>
      req.url.pathname.endsWith("/a.txt") ? response(412, PRECONDITION) : response(200, ""),
    );
    const error = await uploadPaths(asUploader(transport), {
      paths: [join(dir, "f")],
      bucket: "b",
      prefix: "in/",
      concurrency: 1,
      createOnly: true,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ exitCode: 3 });
    const sent = transport.seen.map((r) => r.url.pathname).sort();
    expect(sent).toEqual(["/in/a.txt", "/in/b.txt", "/in/c.txt"]);
  });
});
