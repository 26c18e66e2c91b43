import type { StrongboxConfig } from "./config.js";
import { createPresigner } from "./presign.js";
import type { Role } from "./roles.js";
import type { RoleSession } from "./session/types.js";
import {
  DEFAULT_DOWNLOAD_CONCURRENCY,
  DEFAULT_FILES_IN_FLIGHT,
  DEFAULT_UPLOAD_CONCURRENCY,
} from "./transfer/part-plan.js";
import { createFileStateStore, type StateStore } from "./transfer/state-store.js";
import { withFallback } from "./transfer/state-store-fallback.js";
import type { TransferDeps, TransferEvent } from "./transfer/transfer-types.js";
import { createHttpTransport, type Transport } from "./transfer/transport.js";

/** What a transfer command knows before it moves a byte. */
export interface TransferSetup {
  config: StrongboxConfig;
  /** The role session that signs every URL of the transfer. */
  session: RoleSession;
  now: () => number;
  signal: AbortSignal;
  onEvent?: (event: TransferEvent) => void;
  /** Which way the bytes go: each has its own default for requests in flight. */
  direction: "upload" | "download";
  /** Requests in flight per file as asked for (--concurrency); else the config's, else the direction's default. */
  concurrency?: number | undefined;
  /** Files in flight as asked for (--files; 1 for a single object); else the config's, else the default. */
  files?: number | undefined;
  /** Upload resume records: where they are kept, and where an older version kept them (still read). */
  resumeDirs: { current: string; legacy: string };
  /** Opens the transport, pooling `connections` per origin (tests pass a fake). */
  openTransport?: (connections: number) => Transport;
}

/** One transfer's dependencies and settings, resolved once for the command that runs it. */
export interface TransferRun {
  deps: TransferDeps;
  bucket: string;
  concurrency: number;
  files: number;
  /** The config's part size, unless the command asks for another. */
  partSize: number | undefined;
  /** This role may only create keys (If-None-Match: *). */
  createOnly: boolean;
}

/**
 * Runs `work` with a transfer's plumbing: URLs signed with the session,
 * one HTTP transport sized for the requests in flight (closed afterwards,
 * whatever happens), the resume store, and the concurrency settings.
 */
export async function withTransfer<T>(
  setup: TransferSetup,
  work: (run: TransferRun) => Promise<T>,
): Promise<T> {
  const { config, session } = setup;
  const concurrency =
    setup.concurrency ??
    config.transfer?.concurrency ??
    (setup.direction === "download" ? DEFAULT_DOWNLOAD_CONCURRENCY : DEFAULT_UPLOAD_CONCURRENCY);
  const files = setup.files ?? config.transfer?.files ?? DEFAULT_FILES_IN_FLIGHT;
  const open = setup.openTransport ?? ((connections) => createHttpTransport({ connections }));
  const transport = open(Math.max(concurrency, files) + 2);
  try {
    return await work({
      deps: {
        presigner: createPresigner({ config, credentials: session.credentials, now: setup.now }),
        role: session.role,
        transport,
        stateStore: resumeStore(setup.resumeDirs),
        signal: setup.signal,
        sessionExpiresAt: session.credentials.expiration,
        ...(setup.onEvent === undefined ? {} : { onEvent: setup.onEvent }),
      },
      bucket: config.bucket,
      concurrency,
      files,
      partSize: config.transfer?.partSize,
      createOnly: createOnlyFor(config, session.role),
    });
  } finally {
    await transport.close().catch(() => {});
  }
}

/** Upload resume records in the platform's state folder; the old place (next to the config) still read. */
export function resumeStore(dirs: { current: string; legacy: string }): StateStore {
  const store = createFileStateStore(dirs.current);
  return dirs.current === dirs.legacy
    ? store
    : withFallback(store, createFileStateStore(dirs.legacy));
}

/** The Uploader only creates keys (If-None-Match: *) unless the deployment lets it replace them. */
export function createOnlyFor(config: Pick<StrongboxConfig, "uploaderCanOverwrite">, role: Role) {
  return role === "uploader" && config.uploaderCanOverwrite !== true;
}
