/** The CRCs S3 may hold besides SHA-256, strongest first. */
export const CRCS = ["crc64nvme", "crc32c", "crc32"];
