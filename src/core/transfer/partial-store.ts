import { StrongboxError } from "../errors.js";
import { type ChecksumAlgorithm, digestOf } from "./checksum.js";

/**
 * Where a download in progress keeps its bytes and its resume state. Files
 * next to the target (partial-file.ts) in the CLI; in memory for tests and
 * anything else that has no disk to resume from.
 */
export interface PartialStore {
  /** Continues the partial download of `target` when it matches `identity`, else starts one. */
  open(target: string, identity: PartialIdentity): Promise<PartialDownload>;
}

/** What a partial download must match to be continued. */
export interface PartialIdentity {
  bucket: string;
  key: string;
  versionId: string | null;
  etag: string;
  size: number;
  chunkSize: number;
}

export interface PartialDownload {
  /** Ranges on disk (whose bytes still match their digest) and every range fetched since. */
  readonly done: Set<number>;
  /** SHA-256 (base64) of each range, taken while it streamed in. */
  readonly digests: Map<number, string>;
  /** Ranges kept from an earlier run. */
  readonly kept: number;
  /** Ranges an earlier run recorded whose bytes changed (or had no digest): fetched again. */
  readonly discarded: number;
  /** Writes `buffers` one after another from `position`. */
  write(buffers: Buffer[], position: number): Promise<void>;
  /** Digest of the bytes at [start, start + length), as written. */
  digest(algorithm: ChecksumAlgorithm, start: number, length: number): Promise<Buffer>;
  /** Records the ranges done so far (bytes made durable first, then the claim that they are there). */
  save(): Promise<void>;
  /** Waits for the saves under way. */
  settled(): Promise<void>;
  /** The bytes are verified: they become `target`; the resume state goes. */
  commit(target: string): Promise<void>;
  /** Stop, keeping the state to resume from (or dropping it: bad bytes). */
  abandon(removeFiles: boolean): Promise<void>;
}

export const sameIdentity = (a: PartialIdentity, b: PartialIdentity) =>
  a.bucket === b.bucket &&
  a.key === b.key &&
  a.versionId === b.versionId &&
  a.etag === b.etag &&
  a.size === b.size &&
  a.chunkSize === b.chunkSize;

/** The byte length of range `index`. */
export const rangeLength = (identity: PartialIdentity, index: number) =>
  Math.min(identity.chunkSize, identity.size - index * identity.chunkSize);

interface MemoryPartial {
  identity: PartialIdentity;
  bytes: Buffer;
  /** As last saved. */
  done: number[];
  digests: Record<string, string>;
}

/**
 * Partial downloads held in memory: the same rules as the files (a saved range
 * is kept only while its bytes still hash to its digest; one writer per target),
 * committed downloads land in `files`.
 */
export function createMemoryPartialStore(): PartialStore & {
  files: Map<string, Buffer>;
  partials: Map<string, MemoryPartial>;
} {
  const files = new Map<string, Buffer>();
  const partials = new Map<string, MemoryPartial>();
  const busy = new Set<string>();
  return {
    files,
    partials,
    async open(target, identity) {
      if (busy.has(target)) {
        throw new StrongboxError("failed", `Another transfer is already downloading to ${target}.`);
      }
      busy.add(target);
      const previous = partials.get(target);
      const resumable = previous !== undefined && sameIdentity(previous.identity, identity);
      const bytes = resumable ? previous.bytes : Buffer.alloc(identity.size);
      const done = new Set<number>();
      const digests = new Map<number, string>();
      let discarded = 0;
      if (resumable) {
        for (const index of new Set(previous.done)) {
          const recorded = previous.digests[String(index)];
          const start = index * identity.chunkSize;
          const slice = bytes.subarray(start, start + rangeLength(identity, index));
          if (recorded !== undefined && slice.length > 0 && hash(slice) === recorded) {
            done.add(index);
            digests.set(index, recorded);
          } else discarded++;
        }
      }
      const entry: MemoryPartial = { identity, bytes, done: [], digests: {} };
      partials.set(target, entry);
      return {
        done,
        digests,
        kept: done.size,
        discarded,
        async write(buffers, position) {
          let at = position;
          for (const buffer of buffers) {
            buffer.copy(bytes, at);
            at += buffer.length;
          }
        },
        digest: async (algorithm, start, length) =>
          digestOf(algorithm, bytes.subarray(start, start + length)),
        async save() {
          entry.done = [...done].sort((a, b) => a - b);
          entry.digests = Object.fromEntries(digests);
        },
        settled: async () => {},
        async commit(to) {
          files.set(to, Buffer.from(bytes));
          partials.delete(target);
          busy.delete(target);
        },
        async abandon(removeFiles) {
          if (removeFiles) partials.delete(target);
          busy.delete(target);
        },
      };
    },
  };
}

const hash = (data: Buffer) => digestOf("sha256", data).toString("base64");
