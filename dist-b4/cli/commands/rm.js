import { accessDenied } from "../../core/aws-errors.js";
import { StrongboxError } from "../../core/errors.js";
import { keyOfArgument } from "../../core/s3-uri.js";
import { mfaAgeSeconds } from "../../core/session/types.js";
import { displayKey } from "../../core/text/printable.js";
import { dryRunOption, nonEmptyKey, optionalRole, roleOption, yesOption } from "../args.js";
import { confirm } from "../confirm.js";
import { invocation } from "../context.js";
import { formatBytes, formatTime } from "../render.js";
import { catalogFor } from "./shared.js";
export async function rm(options, deps) {
    const config = await deps.config();
    const key = keyOfArgument(options.key, config.bucket);
    const { catalog, session } = await catalogFor(deps, options.role, "delete");
    const { removeObject } = await import("../../core/catalog/remove.js");
    const { listVersions } = await import("../../core/catalog/versions.js");
    const { versionId } = options;
    // The session's MFA dates from its code (its login, or the cached MFA session's start);
    // the policies refuse one older than the window.
    const window = config.adminMfaMaxAgeSeconds;
    const staleMfa = window !== undefined && (mfaAgeSeconds(session, deps.now()) ?? 0) >= window;
    if (versionId !== undefined &&
        session.role === "admin" &&
        (!session.mfaAuthenticated || staleMfa)) {
        // The bucket policy refuses it anyway; say why before asking.
        throw accessDenied({
            action: "DeleteObjectVersion",
            role: session.role,
            bucket: catalog.bucket,
            key,
            versionId,
        });
    }
    let target;
    if (versionId !== undefined) {
        // Show what goes for good; a version that is not there is not-found before any question.
        const all = await listVersions(catalog, key).catch((err) => {
            if (err instanceof StrongboxError && err.kind === "access-denied")
                return undefined;
            throw err;
        });
        target = all?.find((v) => v.versionId === versionId);
        if (all !== undefined && target === undefined) {
            throw new StrongboxError("not-found", `not found: version ${versionId} of ${key}`, {
                hint: `see \`strongbox versions ${key}\``,
            });
        }
    }
    const planned = {
        key,
        permanent: versionId !== undefined,
        versionId,
        deleteMarkerVersionId: undefined,
        dryRun: true,
        target,
    };
    if (options.dryRun)
        return planned;
    await confirm(deps, {
        yes: options.yes,
        strict: versionId !== undefined,
        what: versionId === undefined
            ? `delete ${key} (a delete marker hides it; earlier versions stay restorable)`
            : `permanently delete version ${versionId} of ${key} (this cannot be undone)`,
        details: target === undefined ? [] : [describeVersion(target)],
    });
    const removed = await removeObject(catalog, key, versionId);
    return { ...removed, dryRun: false, target };
}
const describeVersion = (v) => `${displayKey(v.key)} version ${v.versionId}: ${v.deleteMarker ? "a delete marker" : formatBytes(v.size)}, ` +
    `modified ${formatTime(v.lastModified)}${v.isLatest ? ", the latest version" : ""}`;
export function renderRm(r) {
    if (r.dryRun) {
        return r.permanent
            ? `would delete permanently: ${r.target === undefined ? `version ${r.versionId} of ${displayKey(r.key)}` : describeVersion(r.target)}`
            : `would delete ${displayKey(r.key)} (add a delete marker; earlier versions stay restorable)`;
    }
    return r.permanent
        ? `deleted version ${r.versionId} of ${displayKey(r.key)} permanently`
        : `deleted ${displayKey(r.key)} (delete marker ${r.deleteMarkerVersionId ?? "added"}; earlier versions remain: strongbox versions ${displayKey(r.key)})`;
}
export function register(program, ctx) {
    program
        .command("rm")
        .description("delete KEY (adds a delete marker); --version-id deletes that version for good (Admin with MFA)")
        .argument("<key>", "object key")
        .option("--version-id <id>", "permanently delete this version")
        .addOption(yesOption())
        .addOption(dryRunOption())
        .addOption(roleOption())
        .action((key, raw, cmd) => {
        const options = {
            key: nonEmptyKey(key),
            versionId: raw.versionId,
            role: optionalRole(raw.role),
            yes: raw.yes === true,
            dryRun: raw.dryRun === true,
        };
        return ctx.run(cmd, invocation("rm", options, rm, renderRm));
    });
}
