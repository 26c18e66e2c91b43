import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { StrongboxConfig } from "./config.js";
import { StrongboxError } from "./errors.js";

/** SigV4 refuses pre-signed URLs valid for more than a week. */
export const SIGV4_MAX_EXPIRY_SECONDS = 7 * 24 * 3600;

export type PresignMethod = "GET" | "PUT" | "HEAD" | "POST" | "DELETE";

export interface PresignRequest {
  method: PresignMethod;
  key: string;
  /** Sub-resource and parameters, e.g. `{ uploadId, partNumber }` or `{ uploads: "" }`. */
  query?: Record<string, string>;
  /** Headers the request will carry. Every one is signed, so the caller must send exactly these. */
  headers?: Record<string, string>;
  expiresInSeconds: number;
}

export interface PresignedRequest {
  url: string;
  /** The headers to send with the URL, exactly (names lower-case). */
  headers: Record<string, string>;
  expiresAt: Date;
}

export interface Presigner {
  sign(req: PresignRequest): Promise<PresignedRequest>;
}

export interface PresignContext {
  config: StrongboxConfig;
  credentials: AwsCredentialIdentity & { expiration?: Date };
  now?: () => number;
}

/** Seconds a URL may live: the wish, capped by SigV4's week and the credentials' own expiry. */
export function clampExpiry(
  wishSeconds: number,
  nowMs: number,
  credentialsExpiration: Date | undefined,
): { seconds: number; clamped: boolean } {
  let seconds = Math.min(Math.floor(wishSeconds), SIGV4_MAX_EXPIRY_SECONDS);
  if (credentialsExpiration !== undefined) {
    const remaining = Math.floor((credentialsExpiration.getTime() - nowMs) / 1000);
    seconds = Math.min(seconds, remaining);
  }
  return { seconds, clamped: seconds < Math.floor(wishSeconds) };
}

/**
 * Signs S3 requests locally (no network). One S3 command resolves the endpoint
 * and the object's path (bucket, key, path-style, custom endpoint); the request's
 * method, query and headers are then set to exactly what the caller asked, so
 * every request kind (PUT, UploadPart, ListParts, Complete, ranged GET…) is
 * signed the same way. Caller headers are marked unhoistable: `x-amz-checksum-*`
 * stays a signed header that S3 checks against the body instead of a query
 * parameter.
 */
export function createPresigner(ctx: PresignContext): Presigner {
  const now = ctx.now ?? Date.now;
  const { credentials, config } = ctx;
  const client = new S3Client({
    region: config.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    // A default CRC32 would bake the checksum of an empty body into the URL.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  return {
    async sign(req) {
      if (req.key.length === 0) throw new StrongboxError("usage", "An object key cannot be empty.");
      const signingDate = new Date(now());
      const { seconds } = clampExpiry(
        req.expiresInSeconds,
        signingDate.getTime(),
        credentials.expiration,
      );
      if (seconds < 1) {
        throw new StrongboxError("credentials", "The role session has expired.", {
          hint: "Run `strongbox login` again.",
        });
      }
      const callerHeaders = lowerCaseKeys(req.headers ?? {});
      const command = new HeadObjectCommand({ Bucket: config.bucket, Key: req.key });
      let built: { headers: Record<string, string> } | undefined;
      command.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as {
            method: string;
            query: Record<string, string | string[] | null>;
            headers: Record<string, string>;
          };
          request.method = req.method;
          request.query = { ...(req.query ?? {}) };
          for (const [name, value] of Object.entries(callerHeaders)) request.headers[name] = value;
          built = request;
          return next(args);
        },
        { step: "build", name: "strongboxShapeRequest", priority: "low" },
      );
      const url = await getSignedUrl(client, command, {
        expiresIn: seconds,
        signingDate,
        unhoistableHeaders: new Set(Object.keys(callerHeaders)),
        signableHeaders: new Set(Object.keys(callerHeaders)),
      });
      const signed = new URL(url).searchParams.get("X-Amz-SignedHeaders") ?? "host";
      const headers: Record<string, string> = {};
      const sent = lowerCaseKeys(built?.headers ?? {});
      for (const name of signed.split(";")) {
        if (name === "host") continue;
        const value = sent[name];
        if (value === undefined) throw new Error(`presign: signed header ${name} has no value`);
        headers[name] = value;
      }
      return { url, headers, expiresAt: new Date(signingDate.getTime() + seconds * 1000) };
    },
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
