import type { CatalogContext } from "../../core/catalog/context.js";
import type { Role } from "../../core/roles.js";
import type { RoleSession } from "../../core/session/types.js";
import type { CommandDeps } from "../context.js";

/**
 * Config + role session + an S3 client with that session's credentials.
 * `doing` marks a write or delete (see CommandDeps.session).
 */
export async function catalogFor(
  deps: CommandDeps,
  role: Role | undefined,
  doing?: string,
): Promise<{ catalog: CatalogContext; session: RoleSession }> {
  const config = await deps.config();
  const session = await deps.session(role, doing);
  // The SDK loads only when a command runs (--help stays fast).
  const { createS3Client } = await import("../../core/clients.js");
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
