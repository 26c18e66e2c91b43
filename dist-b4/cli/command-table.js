import { GLOBAL_WITH_VALUE } from "./program.js";
/**
 * Every command, in the order `--help` lists them. Only the file of the
 * command being run is imported (all of them for help, completion or an
 * unknown word); no command file loads the AWS SDK before its command runs
 * (test/unit/cli/startup.test.ts).
 */
export const COMMANDS = [
    { name: "configure", load: () => import("./commands/configure.js") },
    { name: "login", load: () => import("./commands/login.js") },
    { name: "logout", load: () => import("./commands/logout.js") },
    { name: "whoami", load: () => import("./commands/whoami.js") },
    { name: "ls", load: () => import("./commands/ls.js") },
    { name: "versions", load: () => import("./commands/versions.js") },
    { name: "restore", load: () => import("./commands/restore.js") },
    { name: "rm", load: () => import("./commands/rm.js") },
    { name: "presign", load: () => import("./commands/presign.js") },
    { name: "upload", load: () => import("./commands/upload.js") },
    { name: "download", load: () => import("./commands/download.js") },
    { name: "audit", load: () => import("./commands/audit.js") },
    { name: "alarms", load: () => import("./commands/alarms.js") },
    { name: "access", load: () => import("./commands/access.js") },
    { name: "ui", load: () => import("./commands/ui.js") },
    { name: "selftest", load: () => import("./commands/selftest.js") },
    { name: "exec", also: ["env"], load: () => import("./commands/exec.js") },
    { name: "completion", load: () => import("./commands/completion.js") },
];
/** The command word of argv (the first word that is not a global option or its value). */
export function commandWord(argv) {
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (GLOBAL_WITH_VALUE.has(arg))
            i++;
        else if (arg === "--")
            return undefined;
        else if (!arg.startsWith("-"))
            return arg;
    }
    return undefined;
}
/** The commands this argv needs: the one it names, or all (help, completion, an unknown word). */
export function commandsFor(argv) {
    const word = commandWord(argv);
    const one = word === undefined || word === "completion"
        ? undefined
        : COMMANDS.find((c) => c.name === word || c.also?.includes(word));
    return one === undefined ? COMMANDS : [one];
}
/** Imports the command files this argv needs and returns their registrars, in table order. */
export async function registrarsFor(argv) {
    return Promise.all(commandsFor(argv).map(async (c) => (await c.load()).register));
}
