import { StrongboxError } from "../errors.js";
import { redact } from "../text/redact.js";
import { target } from "./context.js";
import { mapS3HttpError } from "./s3-http.js";
/** An AWS SDK exception, or a network failure under it → StrongboxError. */
const NETWORK_CODES = new Set([
    "ECONNREFUSED",
    "ECONNRESET",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "EPIPE",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_SOCKET",
]);
/** Any error from an SDK call (or a network failure) → StrongboxError. */
export function mapAwsError(err, ctx) {
    if (err instanceof StrongboxError)
        return err;
    const e = (typeof err === "object" && err !== null ? err : {});
    const name = e.name ?? "";
    if (name === "AbortError") {
        return new StrongboxError("interrupted", `${ctx.action} interrupted.`, { cause: err });
    }
    if (name === "CredentialsProviderError") {
        return new StrongboxError("credentials", `no AWS credentials for your own identity: ${redact(e.message ?? "")}`, {
            hint: "set AWS_PROFILE or pass --profile (or configure SSO / environment keys)",
            cause: err,
        });
    }
    const netCode = e.code ?? err.cause?.code;
    if ((netCode !== undefined && NETWORK_CODES.has(netCode)) || name === "TimeoutError") {
        return new StrongboxError("failed", `could not reach AWS for ${ctx.action} (${netCode ?? name}).`, { hint: "check the network and the endpoint in the config", cause: err });
    }
    const status = e.$metadata?.httpStatusCode;
    // Only a service exception's name is an S3 error code; a TypeError is not.
    const isServiceError = e.$metadata !== undefined || e.Code !== undefined;
    const s3ErrorCode = e.Code ?? (isServiceError && name !== "" && name !== "Error" ? name : undefined);
    if (!isServiceError || (status === undefined && s3ErrorCode === undefined)) {
        return new StrongboxError("failed", `${ctx.action}${target(ctx)} failed: ${redact(e.message ?? String(err))}`, { cause: err });
    }
    const serverDate = e.$response?.headers?.date;
    return mapS3HttpError({
        ...ctx,
        status: status ?? 0,
        s3ErrorCode,
        s3Message: e.message,
        ...(serverDate !== undefined ? { serverDate } : {}),
    }, err);
}
