import { accessDenied } from "../../core/aws-errors.js";
import { type RemoveResult, removeObject } from "../../core/catalog/remove.js";
import { displayKey } from "../../core/text/printable.js";
import type { RmOptions } from "../args.js";
import type { CommandDeps } from "../context.js";
import { catalogFor } from "./shared.js";

export type { RemoveResult } from "../../core/catalog/remove.js";

export async function rm(options: RmOptions, deps: CommandDeps): Promise<RemoveResult> {
  const { catalog, session } = await catalogFor(deps, options.role);
  const config = await deps.config();
  // The session's MFA dates from its login; the policies refuse one older than the window.
  const window = config.adminMfaMaxAgeSeconds;
  const staleMfa =
    window !== undefined && deps.now() - session.createdAt.getTime() >= window * 1000;
  if (
    options.versionId !== undefined &&
    session.role === "admin" &&
    (!session.mfaAuthenticated || staleMfa)
  ) {
    // The bucket policy refuses it anyway; say why before asking.
    throw accessDenied({
      action: "DeleteObjectVersion",
      role: session.role,
      bucket: catalog.bucket,
      key: options.key,
      versionId: options.versionId,
    });
  }
  return removeObject(catalog, options.key, options.versionId);
}

export const renderRm = (r: RemoveResult): string =>
  r.permanent
    ? `deleted version ${r.versionId} of ${displayKey(r.key)} permanently`
    : `deleted ${displayKey(r.key)} (delete marker ${r.deleteMarkerVersionId ?? "added"}; earlier versions remain: strongbox versions ${displayKey(r.key)})`;
