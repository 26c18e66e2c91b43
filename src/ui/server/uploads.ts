import { systemClock } from "../../core/clock.js";
import { ROLES, type Role } from "../../core/roles.js";
import * as z from "../../core/schema.js";
import { compositeChecksum, toBase64 } from "../../core/transfer/checksum.js";
import { CREATE_ONLY_HEADERS, completeMultipart } from "../../core/transfer/complete.js";
import { validateKey } from "../../core/transfer/keys.js";
import type { CallContext } from "../../core/transfer/s3-call.js";
import { abortQuietly, createMultipart, listAllParts } from "../../core/transfer/s3-transfer.js";
import { transferContext } from "../../core/transfer/transfer-context.js";
import type { Transport } from "../../core/transfer/transport.js";
import { loggingPresigner, sessionOf, type UiContext } from "./context.js";

/**
 * The server's half of a browser upload: it starts, lists, completes and
 * aborts multipart uploads with the same core calls as `strongbox upload`,
 * and signs each PUT just before the browser sends it. The browser never
 * holds a credential, only one short-lived URL per request.
 */

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;
const checksum = z.string().check(z.regex(BASE64_SHA256, "a base64 SHA-256"));
const role = z.enum(ROLES);
const key = z.string().check(z.minLength(1));
const uploadId = z.string().check(z.minLength(1), z.maxLength(1024));
const partNumber = z.int().check(z.minimum(1), z.maximum(10_000));

export const startInput = z.object({ role, key });
export const signPutInput = z.object({ role, key, checksum });
export const signPartInput = z.object({
  role,
  key,
  uploadId,
  partNumber,
  checksum,
});
export const uploadRef = z.object({ role, key, uploadId });
export const completeInput = z.extend(uploadRef, {
  parts: z
    .array(
      z.object({
        number: partNumber,
        size: z.int().check(z.minimum(0)),
        etag: z.string().check(z.minLength(1)),
        checksumSha256: checksum,
      }),
    )
    .check(z.minLength(1), z.maxLength(10_000)),
});

export interface UploadApi {
  start(input: z.infer<typeof startInput>): Promise<{ uploadId: string }>;
  signPut(input: z.infer<typeof signPutInput>): Promise<SignedForBrowser>;
  signPart(input: z.infer<typeof signPartInput>): Promise<SignedForBrowser>;
  listParts(input: z.infer<typeof uploadRef>): Promise<{
    parts: { number: number; size: number; etag: string; checksumSha256?: string }[];
  }>;
  complete(
    input: z.infer<typeof completeInput>,
  ): Promise<{ versionId: string | null; checksum?: string }>;
  abort(input: z.infer<typeof uploadRef>): Promise<{ aborted: true }>;
}

export interface SignedForBrowser {
  url: string;
  /** Headers the browser must send exactly (all signed). */
  headers: Record<string, string>;
  expiresAt: string;
}

export function uploadApi(
  ctx: UiContext,
  transport: Transport,
  urlLifetimeSeconds: number,
): UploadApi {
  const callContext = async (r: Role): Promise<CallContext> => {
    const session = await sessionOf(ctx, r);
    return {
      ...transferContext(
        {
          presigner: loggingPresigner(ctx, session),
          role: session.role,
          transport,
          sessionExpiresAt: session.credentials.expiration,
        },
        ctx.config.bucket,
        systemClock,
      ),
      urlLifetimeSeconds,
    };
  };
  // The Uploader creates new keys only (the CLI's rule): S3 refuses to replace one.
  const createOnly = (r: Role) => r === "uploader" && ctx.config.uploaderCanOverwrite !== true;
  const sign = async (
    r: Role,
    objectKey: string,
    query: Record<string, string> | undefined,
    headers: Record<string, string>,
  ): Promise<SignedForBrowser> => {
    const call = await callContext(r);
    const signed = await call.presigner.sign({
      method: "PUT",
      key: validateKey(objectKey),
      ...(query ? { query } : {}),
      headers,
      expiresInSeconds: urlLifetimeSeconds,
    });
    return { url: signed.url, headers: signed.headers, expiresAt: signed.expiresAt.toISOString() };
  };
  return {
    async start(input) {
      const call = await callContext(input.role);
      return { uploadId: await createMultipart(call, validateKey(input.key)) };
    },
    signPut: (input) =>
      sign(input.role, input.key, undefined, {
        "x-amz-checksum-sha256": input.checksum,
        "x-amz-sdk-checksum-algorithm": "SHA256",
        ...(createOnly(input.role) ? CREATE_ONLY_HEADERS : {}),
      }),
    signPart: (input) =>
      sign(
        input.role,
        input.key,
        { partNumber: String(input.partNumber), uploadId: input.uploadId },
        { "x-amz-checksum-sha256": input.checksum },
      ),
    async listParts(input) {
      const call = await callContext(input.role);
      return { parts: await listAllParts(call, input.key, input.uploadId) };
    },
    async complete(input) {
      const call = await callContext(input.role);
      const sorted = [...input.parts].sort((a, b) => a.number - b.number);
      // What the parts add up to: how a retried Complete whose first answer was lost is checked.
      const digests = sorted.map((p) => Buffer.from(p.checksumSha256, "base64"));
      const expected = {
        checksum: `${toBase64(compositeChecksum("sha256", digests))}-${sorted.length}`,
        size: sorted.reduce((sum, p) => sum + p.size, 0),
        createOnly: createOnly(input.role),
      };
      const done = await completeMultipart(
        call,
        input.key,
        input.uploadId,
        sorted,
        expected,
        ctx.log,
      );
      return {
        versionId: done.versionId,
        ...(done.checksum !== undefined ? { checksum: done.checksum } : {}),
      };
    },
    async abort(input) {
      const call = await callContext(input.role);
      await abortQuietly(call, input.key, input.uploadId);
      return { aborted: true };
    },
  };
}
