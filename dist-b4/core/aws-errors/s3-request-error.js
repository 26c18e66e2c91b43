import { StrongboxError } from "../errors.js";
/** A refusal S3 sent to a pre-signed request, keeping its status and code for the caller to react to. */
export class S3RequestError extends StrongboxError {
    status;
    code;
    /** The request S3 refused. */
    action;
    constructor(mapped, status, code, action) {
        super(mapped.kind, mapped.message, {
            ...(mapped.hint === undefined ? {} : { hint: mapped.hint }),
            ...(mapped.cause === undefined ? {} : { cause: mapped.cause }),
        });
        this.name = "S3RequestError";
        this.status = status;
        this.code = code;
        this.action = action;
    }
}
