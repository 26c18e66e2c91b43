import type { Role } from "../../../core/roles.js";

/**
 * What lets an upload continue after the page is reloaded: which multipart
 * upload holds which file. Only the upload id is trusted from here; S3's
 * ListParts says which parts exist, and each is checked against the file.
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
