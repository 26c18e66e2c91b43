import { type RestoreResult, restoreVersion } from "../../core/catalog/restore.js";
import { displayKey } from "../../core/text/printable.js";
import type { RestoreOptions } from "../args.js";
import type { CommandDeps } from "../context.js";
import { catalogFor } from "./shared.js";

export type { RestoreResult } from "../../core/catalog/restore.js";

export async function restore(options: RestoreOptions, deps: CommandDeps): Promise<RestoreResult> {
  const { catalog } = await catalogFor(deps, options.role);
  return restoreVersion(catalog, options.key, options.versionId);
}

export const renderRestore = (r: RestoreResult): string =>
  `restored ${displayKey(r.key)} from version ${r.restoredVersionId}; new latest version ${r.newVersionId ?? "(unversioned)"}`;
