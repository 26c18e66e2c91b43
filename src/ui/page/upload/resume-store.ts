import type { Role } from "../../../core/roles.js";
import type { RecordedPart } from "../../../core/transfer/resume.js";

/**
 * What lets an upload continue after the page is reloaded: which multipart
 * upload holds which file, and the parts S3 acknowledged. S3's ListParts says
 * which parts exist; a part counts as sent only when its checksum matches the
 * file (or, where S3 lists no checksum, its size and ETag match this record).
 */
export interface ResumeRecord {
  key: string;
  role: Role;
  uploadId: string;
  partSize: number;
  name: string;
  size: number;
  lastModified: number;
  bucket: string;
  /** Parts S3 acknowledged (number, size, ETag, SHA-256): vouches only for what ListParts shows. */
  parts: RecordedPart[];
}

const PREFIX = "strongbox.upload.";
const id = (bucket: string, key: string, file: File) =>
  `${PREFIX}${JSON.stringify([bucket, key, file.name, file.size, file.lastModified])}`;

export const resumeStore = {
  find(bucket: string, key: string, file: File): ResumeRecord | undefined {
    try {
      const text = localStorage.getItem(id(bucket, key, file));
      return text === null ? undefined : (JSON.parse(text) as ResumeRecord);
    } catch {
      return undefined;
    }
  },
  save(record: ResumeRecord, file: File): void {
    localStorage.setItem(id(record.bucket, record.key, file), JSON.stringify(record));
  },
  remove(bucket: string, key: string, file: File): void {
    localStorage.removeItem(id(bucket, key, file));
  },
};
