import type { Clock } from "../clock.js";
import type { Presigner } from "../presign.js";
import type { Role } from "../roles.js";
import type { Limiter } from "./limiter.js";
import type { PartialStore } from "./partial-store.js";
import type { RetryOptions } from "./retry-policy.js";
import type { CheckedFolders } from "./safe-path.js";
import type { StateStore } from "./state-store.js";
import type { Transport } from "./transport.js";

/** The types every transfer shares (upload, download, their batches, the page's server). */

export type TransferEvent =
  | { type: "file-start"; path: string; key: string; size: number }
  | { type: "bytes"; key: string; delta: number }
  | { type: "file-done"; path: string; key: string }
  | { type: "note"; message: string };

/** What every transfer is given: signing, sending, time, resume storage, cancellation. */
export interface TransferDeps {
  presigner: Presigner;
  /** The role whose session signs the URLs (named when S3 refuses one). */
  role?: Role;
  transport: Transport;
  /** Upload resume records. */
  stateStore: StateStore;
  /** Download resume state (default: files next to the target, partial-file.ts). */
  partials?: PartialStore;
  clock?: Clock;
  signal?: AbortSignal;
  /** End of the role session that signs the URLs (absent for static credentials). */
  sessionExpiresAt?: Date;
  onEvent?: (event: TransferEvent) => void;
  retry?: RetryOptions;
  random?: () => number;
}

/** A download keeps its resume state in `partials`, so it needs no upload state store. */
export type DownloadDeps = Omit<TransferDeps, "stateStore">;

export interface UploadOptions {
  bucket: string;
  partSize?: number;
  threshold?: number;
  concurrency?: number;
  /** Continue an interrupted upload; keep its state when interrupted again. */
  resume?: boolean;
  /**
   * Create new keys only (the Uploader's rule): the single PUT and the
   * Complete carry a signed `If-None-Match: *`, so S3 refuses to replace an
   * existing key (412) and the refusal reads "already exists".
   */
  createOnly?: boolean;
}

export interface UploadResult {
  path: string;
  key: string;
  versionId: string | null;
  size: number;
  /** S3's form: base64 SHA-256 of the file, or for multipart base64 SHA-256 of the part SHA-256s + "-N". */
  checksum: string;
  checksumType: "FULL_OBJECT" | "COMPOSITE";
  parts: number;
  seconds: number;
}

export interface DownloadOptions {
  bucket: string;
  key: string;
  versionId?: string;
  /** A file, or a folder when it ends with "/" or is an existing directory. Default: the current folder. */
  out?: string;
  /** The file's path inside an `out` folder (default: the key); a prefix download passes the key below the prefix. */
  name?: string;
  cwd?: string;
  concurrency?: number;
  /** Size of each ranged GET. */
  chunkSize?: number;
  /** Objects at least this large are fetched as parallel ranges. */
  threshold?: number;
  /** Fail (and keep no file) when S3 holds no checksum the bytes can be compared with. */
  requireChecksum?: boolean;
  /** The object's size when already known (from a listing): below `threshold`, one GET and no HEAD. */
  size?: number;
  /** Folders made and checked earlier in the same batch (see resolveTarget). */
  checkedFolders?: CheckedFolders;
  /** Requests in flight shared by a batch's files; `concurrency` still bounds this file's ranges. */
  requests?: Limiter;
}

export type Verification =
  | "sha256"
  | "composite-sha256"
  | "crc64nvme"
  | "crc32c"
  | "composite-crc32c"
  | "crc32"
  | "composite-crc32"
  | "md5"
  | "composite-md5"
  | "none";

export interface DownloadResult {
  key: string;
  versionId: string | null;
  path: string;
  size: number;
  etag: string;
  /** S3's stored checksum when it has one. */
  checksum: string | null;
  verified: Verification;
  resumed: boolean;
  seconds: number;
}

/** The CRCs S3 may hold besides SHA-256, strongest first. */
export const CRCS = ["crc64nvme", "crc32c", "crc32"] as const;
export type StoredCrc = (typeof CRCS)[number];

/** What HEAD tells us about the object. */
export interface ObjectHead {
  size: number;
  etag: string;
  versionId: string | null;
  checksumSha256: string | null;
  checksumType: string | null;
  /** x-amz-checksum-crc64nvme / -crc32c / -crc32, when S3 holds one. */
  crcs: Partial<Record<StoredCrc, string>>;
  sse: string | null;
  /** x-amz-mp-parts-count (a HEAD with partNumber), when S3 said. */
  partsCount?: number | null;
}
