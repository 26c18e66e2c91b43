/**
 * AWS/S3 failures → one plain sentence and the exit code of ARCHITECTURE §4.
 * Two entry points: `mapAwsError` for SDK exceptions (aws-errors/sdk.ts),
 * `mapS3HttpError` for raw HTTP answers to pre-signed URLs (aws-errors/s3-http.ts).
 * Messages never carry credentials or signed URLs (`redact`, text/redact.ts).
 */
export { ACTION_ROLES } from "./access/actions.js";
export { accessDenied } from "./aws-errors/access-denied.js";
export { isAlreadyExists } from "./aws-errors/already-exists.js";
export { loginHint } from "./aws-errors/context.js";
export { mapS3HttpError, s3RequestError } from "./aws-errors/s3-http.js";
export { S3RequestError } from "./aws-errors/s3-request-error.js";
export { mapAwsError } from "./aws-errors/sdk.js";
export { redact } from "./text/redact.js";
