import type { Role } from "../../../core/roles.js";
import type { PlannedPart } from "../../../core/transfer/part-plan.js";
import { type RecordedPart, reconcileParts } from "../../../core/transfer/resume.js";
import { ApiError, api } from "../api.js";
import type { Hasher } from "./hasher.js";
import { resumeStore } from "./resume-store.js";
import { Stop } from "./signed-put.js";

/** A multipart upload this page can continue, and the parts S3 holds that match the file. */
export interface Reattached {
  uploadId: string;
  done: RecordedPart[];
}

/**
 * After a reload: the same file picked again continues its multipart upload.
 * S3's ListParts decides what exists; a listed part counts only when its
 * checksum (or the record's size and ETag) matches this file. Undefined when
 * there is nothing to continue (no record, another part size or role, or S3
 * no longer knows the upload, whose record is then dropped).
 */
export async function reattach(
  job: { file: File; key: string; role: Role; bucket: string },
  planned: PlannedPart[],
  partSize: number,
  hasher: Hasher,
  signal: AbortSignal,
  onChecking: () => void,
): Promise<Reattached | undefined> {
  const record = resumeStore.find(job.bucket, job.key, job.file);
  if (record === undefined || record.partSize !== partSize || record.role !== job.role) return;
  onChecking();
  let server: {
    parts: { number: number; size: number; etag: string; checksumSha256?: string }[];
  };
  try {
    server = await api.post("upload/list-parts", {
      role: job.role,
      key: job.key,
      uploadId: record.uploadId,
    });
  } catch (err) {
    if (err instanceof ApiError && (err.kind === "not-found" || /NoSuchUpload/.test(err.message))) {
      resumeStore.remove(job.bucket, job.key, job.file);
      return;
    }
    throw err;
  }
  const plan = reconcileParts(planned, server.parts, record.parts ?? []);
  const done = [...plan.done];
  for (const part of plan.verify) {
    if (signal.aborted) throw new Stop("stopped");
    const local = planned[part.number - 1];
    if (local === undefined) continue;
    const checksum = await hasher.sha256(job.file, local.start, local.start + local.size);
    if (checksum === part.checksumSha256) {
      done.push({
        number: part.number,
        size: part.size,
        etag: part.etag,
        checksumSha256: checksum,
      });
    }
  }
  return { uploadId: record.uploadId, done };
}
