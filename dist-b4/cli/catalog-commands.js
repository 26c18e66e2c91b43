import { Argument } from "commander";
import { usageError } from "../core/errors.js";
import { dryRunOption, MAX_PRESIGN_SECONDS, nonEmptyKey, optionalRole, parseDurationSeconds, parsePositiveInt, roleOption, run, yesOption, } from "./options.js";
/** ls, versions, restore, rm, presign: declared like the commands in args.ts, one file for the five. */
export function registerCatalogCommands(program, ctx) {
    program
        .command("ls")
        .description("list objects (all pages) under PREFIX")
        .argument("[prefix]", "key prefix", "")
        .option("--limit <n>", "stop after N objects")
        .option("--page-size <n>", "keys per list request (default and maximum 1000)")
        .addOption(roleOption())
        .action((prefix, raw, cmd) => {
        const pageSize = raw.pageSize === undefined ? undefined : parsePositiveInt(raw.pageSize, "page-size");
        if (pageSize !== undefined && pageSize > 1000) {
            throw usageError("--page-size may be at most 1000 (S3's maximum)");
        }
        return run(ctx, cmd, "ls", async () => {
            const m = await import("./commands/ls.js");
            return { execute: m.ls, render: m.renderLs };
        }, {
            prefix,
            limit: raw.limit === undefined ? undefined : parsePositiveInt(raw.limit, "limit"),
            pageSize,
            role: optionalRole(raw.role),
        });
    });
    program
        .command("versions")
        .description("list every version and delete marker of KEY, newest first")
        .argument("<key>", "object key")
        .addOption(roleOption())
        .action((key, raw, cmd) => run(ctx, cmd, "versions", async () => {
        const m = await import("./commands/versions.js");
        return { execute: m.versions, render: m.renderVersions };
    }, {
        key: nonEmptyKey(key),
        role: optionalRole(raw.role),
    }));
    program
        .command("restore")
        .description("make an earlier version of KEY the latest again (copies it)")
        .argument("<key>", "object key")
        .requiredOption("--version-id <id>", "version to restore (see `strongbox versions KEY`)")
        .addOption(dryRunOption())
        .addOption(roleOption())
        .action((key, raw, cmd) => run(ctx, cmd, "restore", async () => {
        const m = await import("./commands/restore.js");
        return { execute: m.restore, render: m.renderRestore };
    }, {
        key: nonEmptyKey(key),
        versionId: raw.versionId,
        role: optionalRole(raw.role),
        dryRun: raw.dryRun === true,
    }));
    program
        .command("rm")
        .description("delete KEY (adds a delete marker); --version-id deletes that version for good (Admin with MFA)")
        .argument("<key>", "object key")
        .option("--version-id <id>", "permanently delete this version")
        .addOption(yesOption())
        .addOption(dryRunOption())
        .addOption(roleOption())
        .action((key, raw, cmd) => run(ctx, cmd, "rm", async () => {
        const m = await import("./commands/rm.js");
        return { execute: m.rm, render: m.renderRm };
    }, {
        key: nonEmptyKey(key),
        versionId: raw.versionId,
        role: optionalRole(raw.role),
        yes: raw.yes === true,
        dryRun: raw.dryRun === true,
    }));
    program
        .command("presign")
        .description("print a pre-signed URL for someone else (expiry capped by your session)")
        .addArgument(new Argument("<method>", "get or put").choices(["get", "put"]))
        .argument("<key>", "object key")
        .option("--expires <duration>", "how long the URL is valid, e.g. 15m, 1h (max 7d)", "15m")
        .addOption(roleOption())
        .action((method, key, raw, cmd) => {
        const expiresInSeconds = parseDurationSeconds(raw.expires, "expires");
        if (expiresInSeconds > MAX_PRESIGN_SECONDS) {
            throw usageError("--expires may be at most 7d (SigV4's limit)");
        }
        return run(ctx, cmd, "presign", async () => {
            const m = await import("./commands/presign.js");
            return { execute: m.presign, render: m.renderPresign };
        }, {
            method,
            key: nonEmptyKey(key),
            expiresInSeconds,
            role: optionalRole(raw.role),
        });
    });
}
