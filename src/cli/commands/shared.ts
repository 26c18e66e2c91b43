import type { CatalogContext } from "../../core/catalog/context.js";
import { createS3Client } from "../../core/clients.js";
import type { Role } from "../../core/roles.js";
import type { RoleSession } from "../../core/session/types.js";
import type { CommandDeps } from "../context.js";

/** Config + role session + an S3 client with that session's credentials. */
export async function catalogFor(
  deps: CommandDeps,
  role: Role | undefined,
): Promise<{ catalog: CatalogContext; session: RoleSession }> {
  const config = await deps.config();
  const session = await deps.session(role);
  return {
    session,
    catalog: {
      s3: createS3Client(config, session.credentials),
      bucket: config.bucket,
      role: session.role,
      signal: deps.signal,
    },
  };
}
