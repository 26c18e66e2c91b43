import { StrongboxError } from "../errors.js";
import { digestOf } from "./checksum.js";
export const sameIdentity = (a, b) => a.bucket === b.bucket &&
    a.key === b.key &&
    a.versionId === b.versionId &&
    a.etag === b.etag &&
    a.size === b.size &&
    a.chunkSize === b.chunkSize;
/** The byte length of range `index`. */
export const rangeLength = (identity, index) => Math.min(identity.chunkSize, identity.size - index * identity.chunkSize);
/**
 * Partial downloads held in memory: the same rules as the files (a saved range
 * is kept only while its bytes still hash to its digest; one writer per target),
 * committed downloads land in `files`.
 */
export function createMemoryPartialStore() {
    const files = new Map();
    const partials = new Map();
    const busy = new Set();
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
            const done = new Set();
            const digests = new Map();
            let discarded = 0;
            if (resumable) {
                for (const index of new Set(previous.done)) {
                    const recorded = previous.digests[String(index)];
                    const start = index * identity.chunkSize;
                    const slice = bytes.subarray(start, start + rangeLength(identity, index));
                    if (recorded !== undefined && slice.length > 0 && hash(slice) === recorded) {
                        done.add(index);
                        digests.set(index, recorded);
                    }
                    else
                        discarded++;
                }
            }
            const entry = { identity, bytes, done: [], digests: {} };
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
                digest: async (algorithm, start, length) => digestOf(algorithm, bytes.subarray(start, start + length)),
                async save() {
                    entry.done = [...done].sort((a, b) => a - b);
                    entry.digests = Object.fromEntries(digests);
                },
                settled: async () => { },
                async commit(to) {
                    files.set(to, Buffer.from(bytes));
                    partials.delete(target);
                    busy.delete(target);
                },
                async abandon(removeFiles) {
                    if (removeFiles)
                        partials.delete(target);
                    busy.delete(target);
                },
            };
        },
    };
}
const hash = (data) => digestOf("sha256", data).toString("base64");
