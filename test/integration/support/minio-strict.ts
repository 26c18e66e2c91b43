import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  createPresigner,
  type PresignedRequest,
  type Presigner,
  type PresignRequest,
} from "../../../src/core/presign.js";
import type { Role } from "../../../src/core/roles.js";
import { createHttpTransport, type Transport } from "../../../src/core/transfer/transport.js";
import { type LaneCredentials, type MinioLane, startMinioLane } from "./minio.js";

/*
 * The strict S3 lane's bench: MinIO checks every signature, expiry and session
 * policy for real. Every kind of URL the CLI makes is sent with exactly the
 * headers the presigner returns; anything tampered with must be refused. Each
 * test file that calls useStrictLane gets a MinIO of its own (a free port, a
 * fresh folder), so files never share a bucket.
 */

export const MiB = 1024 * 1024;
export const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("base64");
export const xml = (text: string, tag: string) =>
  new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text)?.[1];

export type Session = LaneCredentials & { expiration: Date };

export interface Answer {
  status: number;
  headers: Record<string, string>;
  text: string;
  code: string | undefined;
}

export interface StrictLane {
  /** Filled in by beforeAll. */
  lane: MinioLane;
  /** A temporary folder of the file's own, filled in by beforeAll. */
  work: string;
  /** Each role's session and presigner, filled in by beforeAll. */
  sessions: Record<Role, Session>;
  presigners: Record<Role, Presigner>;
  /** Raw requests go through the CLI's own transport, so "exactly its headers" holds. */
  raw: Transport;
  /** Sends a pre-signed request with exactly its headers (plus `extra`), and a body. */
  send(
    signed: PresignedRequest,
    method: "GET" | "PUT" | "HEAD" | "POST" | "DELETE",
    body?: Buffer | string,
    extra?: Record<string, string>,
    headersOverride?: Record<string, string>,
  ): Promise<Answer>;
  /** GET with exactly the given headers; the whole body. */
  getBytes(
    url: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Buffer }>;
  /** Signs `request` as `role` (a 5-minute URL) and sends it with exactly its headers and `body`. */
  sendAs(
    role: Role,
    request: Omit<PresignRequest, "expiresInSeconds">,
    body?: Buffer | string,
  ): Promise<Answer>;
  /** Starts a multipart upload of `key` as the Uploader (SHA256 declared, as the CLI does). */
  createMultipart(key: string): Promise<Answer>;
  presignerFor(credentials: LaneCredentials, now?: () => number): Presigner;
  /** PUT one object as the Uploader, the way the CLI does (checksum signed). */
  putObject(key: string, data: Buffer): Promise<Answer>;
}

/**
 * Registers the lane's hooks in the calling test file (a MinIO of its own,
 * the three roles' sessions) and returns it; its fields are filled in by beforeAll.
 */
export function useStrictLane(): StrictLane {
  const strict = {
    sessions: {} as Record<Role, Session>,
    presigners: {} as Record<Role, Presigner>,
    raw: createHttpTransport({ connections: 4 }),
  } as StrictLane;

  strict.send = async (signed, method, body, extra = {}, headersOverride) => {
    const res = await strict.raw.send({
      method,
      url: signed.url,
      headers: headersOverride ?? { ...signed.headers, ...extra },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, code: xml(text, "Code") };
  };

  strict.getBytes = async (url, headers = {}) => {
    const res = await strict.raw.send({ method: "GET", url, headers });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) chunks.push(Buffer.from(chunk));
    return { status: res.status, body: Buffer.concat(chunks) };
  };

  strict.sendAs = async (role, request, body) =>
    strict.send(
      await strict.presigners[role].sign({ ...request, expiresInSeconds: 300 }),
      request.method,
      body,
    );

  strict.createMultipart = (key) =>
    strict.sendAs("uploader", {
      method: "POST",
      key,
      query: { uploads: "" },
      headers: { "x-amz-checksum-algorithm": "SHA256" },
    });

  strict.presignerFor = (credentials, now) =>
    createPresigner({ config: strict.lane.config(), credentials, ...(now ? { now } : {}) });

  strict.putObject = (key, data) => {
    const headers = {
      "content-length": String(data.length),
      "x-amz-checksum-sha256": sha256(data),
      "x-amz-sdk-checksum-algorithm": "SHA256",
    };
    return strict.sendAs("uploader", { method: "PUT", key, headers }, data);
  };

  beforeAll(async () => {
    strict.lane = await startMinioLane();
    strict.work = mkdtempSync(join(tmpdir(), "strongbox-minio-test-"));
    for (const role of ["uploader", "viewer", "admin"] as const) {
      strict.sessions[role] = await strict.lane.sessionFor(role);
      strict.presigners[role] = strict.presignerFor(strict.sessions[role]);
    }
  });

  afterAll(async () => {
    await strict.raw.close();
    await strict.lane?.stop();
    if (strict.work) rmSync(strict.work, { recursive: true, force: true });
  });

  return strict;
}
