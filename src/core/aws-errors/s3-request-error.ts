import type { StrongboxAction } from "../access/actions.js";
import { StrongboxError } from "../errors.js";

/** A refusal S3 sent to a pre-signed request, keeping its status and code for the caller to react to. */
export class S3RequestError extends StrongboxError {
  readonly status: number;
  readonly code: string | undefined;
  /** The request S3 refused. */
  readonly action: StrongboxAction;
  constructor(
    mapped: StrongboxError,
    status: number,
    code: string | undefined,
    action: StrongboxAction,
  ) {
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
