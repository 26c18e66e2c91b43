import { REPLACERS } from "../access/actions.js";
import { StrongboxError } from "../errors.js";
import { target } from "./context.js";
import { S3RequestError } from "./s3-request-error.js";
// The refusal of a create-only write to a key that exists (the Uploader's uploads).
/** The writes that carry If-None-Match: * for a create-only role. */
const CREATING_ACTIONS = new Set([
    "PutObject",
    "CompleteMultipartUpload",
]);
/**
 * A create-only write refused because the key exists: 412 PreconditionFailed,
 * or 409 ConditionalRequestConflict when another write to it is under way.
 */
export function refusedAsExisting(action, status, code) {
    if (!CREATING_ACTIONS.has(action))
        return false;
    return (code === "PreconditionFailed" ||
        code === "ConditionalRequestConflict" ||
        (code === undefined && (status === 412 || status === 409)));
}
/** Who may replace an existing key (the access contract: the Admin; the Uploader only creates). */
const REPLACER = REPLACERS[0];
export function alreadyExists(failure, cause) {
    const who = failure.role === undefined ? "this session" : `role ${failure.role}`;
    const racing = failure.s3ErrorCode === "ConditionalRequestConflict" || failure.status === 409;
    return new StrongboxError("access-denied", `already exists${target(failure)}${racing ? " (another upload to it is finishing)" : ""}: ${who} may only create new keys; ${REPLACER} can replace it.`, {
        hint: `upload it under another key (--key / --prefix), or have an ${REPLACER} replace it with --role ${REPLACER}`,
        cause,
    });
}
/** True for the "already exists" refusal of a create-only write (exit 3, not a reason to stop other files). */
export function isAlreadyExists(error) {
    return (error instanceof S3RequestError && refusedAsExisting(error.action, error.status, error.code));
}
