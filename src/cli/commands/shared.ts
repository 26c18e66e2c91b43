import type { CatalogContext } from "../../core/catalog/context.js";
import type { StrongboxConfig } from "../../core/config.js";
import type { Role } from "../../core/roles.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import type { RoleSession } from "../../core/session/types.js";
import type { TransferSetup } from "../../core/transfer-run.js";
import type { CommandDeps } from "../context.js";
import type { Progress } from "../progress.js";

/**
 * The config, and a KEY (or PREFIX) argument as a key of its bucket: a plain
 * key, or `s3://BUCKET/KEY` naming the configured bucket.
 */
export async function keyArgument(
  deps: CommandDeps,
  argument: string,
): Promise<{ config: StrongboxConfig; key: string }> {
  const config = await deps.config();
  return { config, key: keyOfArgument(argument, config.bucket) };
}

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

/** What core's withTransfer needs from a transfer command: its session, progress, limits, state folders. */
export function transferSetup(
  deps: CommandDeps,
  config: StrongboxConfig,
  session: RoleSession,
  progress: Progress,
  limits: {
    direction: TransferSetup["direction"];
    concurrency: number | undefined;
    files: number | undefined;
  },
): TransferSetup {
  return {
    config,
    session,
    now: deps.now,
    signal: deps.signal,
    onEvent: progress.onEvent,
    ...limits,
    resumeDirs: { current: deps.globals.transfersDir, legacy: deps.globals.legacyTransfersDir },
  };
}
