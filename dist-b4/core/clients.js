import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
/** Settings every SDK client shares: region, and the emulator endpoint when configured. */
export function baseClientConfig(config, credentials) {
    return {
        region: config.region,
        ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
        ...(credentials === undefined ? {} : { credentials }),
    };
}
/**
 * S3 client for control-plane calls (list, versions, copy, delete) with role credentials.
 * Checksums only when an operation requires them (ARCHITECTURE §6): the SDK's default
 * CRC32 would otherwise be computed/validated on every body.
 */
export function createS3Client(config, credentials) {
    return new S3Client({
        ...baseClientConfig(config, credentials),
        forcePathStyle: config.forcePathStyle,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
    });
}
/** STS client; `credentials` are the person's base credentials (for AssumeRole). */
export function createStsClient(config, credentials) {
    return new STSClient(baseClientConfig(config, credentials));
}
