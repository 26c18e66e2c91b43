import { StrongboxError } from "../../core/errors.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import { displayKey } from "../../core/text/printable.js";
import { dryRunOption, nonEmptyKey, optionalRole, roleOption } from "../args.js";
import { invocation } from "../context.js";
import { formatBytes } from "../render.js";
import { catalogFor } from "./shared.js";
export async function restore(options, deps) {
    const config = await deps.config();
    const key = keyOfArgument(options.key, config.bucket);
    const { catalog } = await catalogFor(deps, options.role, "restore");
    const { MAX_COPY_BYTES, restoreVersion } = await import("../../core/catalog/restore.js");
    const { listVersions } = await import("../../core/catalog/versions.js");
    if (options.dryRun) {
        // Read-only: the version must exist (and not be a delete marker) for the copy to work.
        const found = (await listVersions(catalog, key)).find((v) => v.versionId === options.versionId);
        if (found === undefined || found.deleteMarker) {
            throw new StrongboxError("not-found", `not found: version ${options.versionId} of ${key}${found?.deleteMarker ? " is a delete marker" : ""}`, { hint: `see \`strongbox versions ${key}\`` });
        }
        return {
            key,
            restoredVersionId: options.versionId,
            newVersionId: null,
            size: found.size,
            method: (found.size ?? 0) > MAX_COPY_BYTES ? "multipart-copy" : "copy",
            dryRun: true,
        };
    }
    const r = await restoreVersion(catalog, key, options.versionId);
    return { ...r, newVersionId: r.newVersionId ?? null, dryRun: false };
}
export const renderRestore = (r) => r.dryRun
    ? `would restore ${displayKey(r.key)} from version ${r.restoredVersionId} (${formatBytes(r.size)}, ${r.method}): a new latest version, nothing deleted`
    : `restored ${displayKey(r.key)} from version ${r.restoredVersionId}; new latest version ${r.newVersionId ?? "(unversioned)"}`;
export function register(program, ctx) {
    program
        .command("restore")
        .description("make an earlier version of KEY the latest again (copies it)")
        .argument("<key>", "object key")
        .requiredOption("--version-id <id>", "version to restore (see `strongbox versions KEY`)")
        .addOption(dryRunOption())
        .addOption(roleOption())
        .action((key, raw, cmd) => {
        const options = {
            key: nonEmptyKey(key),
            versionId: raw.versionId,
            role: optionalRole(raw.role),
            dryRun: raw.dryRun === true,
        };
        return ctx.run(cmd, invocation("restore", options, restore, renderRestore));
    });
}
