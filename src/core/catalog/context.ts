import type { S3Client } from "@aws-sdk/client-s3";
import type { Role } from "../roles.js";

/** What every catalog operation needs: a client with role credentials and where to act. */
export interface CatalogContext {
  s3: S3Client;
  bucket: string;
  /** The role of the session behind `s3` (for AccessDenied wording). */
  role: Role;
  signal?: AbortSignal | undefined;
}

export const sendOptions = (ctx: CatalogContext) =>
  ctx.signal === undefined ? undefined : { abortSignal: ctx.signal };
