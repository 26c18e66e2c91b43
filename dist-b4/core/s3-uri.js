import { usageError } from "./errors.js";
/** `s3://BUCKET/KEY`, as `aws s3` takes it (case of the scheme ignored). */
const S3_URI = /^s3:\/\//i;
export const isS3Uri = (text) => S3_URI.test(text);
/**
 * A key as typed: a plain key, or `s3://BUCKET/KEY` where BUCKET must be this
 * deployment's bucket (else a usage error: exit 2, before any request).
 * `s3://BUCKET` and `s3://BUCKET/` mean the empty key (the whole bucket, for ls).
 */
export function keyOfArgument(text, bucket) {
    if (!isS3Uri(text))
        return text;
    const rest = text.slice("s3://".length);
    const slash = rest.indexOf("/");
    const named = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? "" : rest.slice(slash + 1);
    if (named === "")
        throw usageError(`"${text}" names no bucket`, `use s3://${bucket}/KEY`);
    if (named !== bucket) {
        throw usageError(`s3://${named}/ is not this deployment's bucket (${bucket})`, `use s3://${bucket}/${key} or the key alone; --config picks another deployment`);
    }
    return key;
}
