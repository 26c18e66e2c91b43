import { keyOfArgument } from "../../core/s3-uri.js";
import { nonEmptyKey, optionalRole, roleOption } from "../args.js";
import { invocation } from "../context.js";
import { formatBytes, formatTime, table } from "../render.js";
import { catalogFor } from "./shared.js";
export async function versions(options, deps) {
    const key = keyOfArgument(options.key, (await deps.config()).bucket);
    const { catalog } = await catalogFor(deps, options.role);
    const { listVersions } = await import("../../core/catalog/versions.js");
    return { key, versions: await listVersions(catalog, key) };
}
export function renderVersions(r) {
    const rows = r.versions.map((v) => [
        v.versionId,
        v.isLatest ? "latest" : "",
        v.deleteMarker ? "(delete marker)" : formatBytes(v.size),
        formatTime(v.lastModified),
    ]);
    return table([["VERSION", "", "SIZE", "MODIFIED"], ...rows]);
}
export function register(program, ctx) {
    program
        .command("versions")
        .description("list every version and delete marker of KEY, newest first")
        .argument("<key>", "object key")
        .addOption(roleOption())
        .action((key, raw, cmd) => {
        const options = { key: nonEmptyKey(key), role: optionalRole(raw.role) };
        return ctx.run(cmd, invocation("versions", options, versions, renderVersions));
    });
}
