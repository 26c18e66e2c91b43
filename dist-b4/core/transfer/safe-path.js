import { mkdir, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { StrongboxError } from "../errors.js";
import { quoteKey } from "../text/printable.js";
/** Characters that some systems (Windows best-fit code pages, fonts) treat as a slash. */
const SLASH_LOOKALIKES = /[\u2215\u2044\u29f8\u29f9\u2216\ufe68\uff0f\uff3c\u2571\u2572\u3033]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** Invisible and bidirectional formatting characters (they disguise names in listings). */
const FORMAT = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/u;
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
const MAX_SEGMENT_BYTES = 255;
export function resolveKeyPath(root, key, options = {}) {
    const platform = options.platform ?? process.platform;
    const refuse = (reason) => ({ ok: false, reason });
    if (key.length === 0)
        return refuse("empty key");
    if (CONTROL.test(key))
        return refuse(key.includes("\u0000") ? "NUL byte" : "control character");
    if (/\p{Cs}/u.test(key))
        return refuse("invalid Unicode (lone surrogate)");
    if (FORMAT.test(key))
        return refuse("invisible or bidirectional formatting character");
    if (SLASH_LOOKALIKES.test(key))
        return refuse("Unicode look-alike of a slash");
    const normalized = key.normalize("NFKC");
    for (const [form, label] of [
        [key, ""],
        [normalized, " after Unicode normalisation (NFKC)"],
    ]) {
        const reason = structuralProblem(form, platform);
        if (reason)
            return refuse(reason + label);
    }
    // A character that normalises into one of / \ . : is a disguise even where
    // the result looks harmless (e.g. "a．txt" → "a.txt").
    if (countSignificant(normalized) !== countSignificant(key)) {
        return refuse("Unicode look-alike of '.', ':', '/' or '\\'");
    }
    const segments = key.split("/");
    const rootAbs = resolve(root);
    const target = resolve(rootAbs, ...segments);
    const rel = relative(rootAbs, target);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel))
        return refuse("resolves outside the target folder");
    return { ok: true, path: target, relative: rel };
}
function structuralProblem(key, platform) {
    if (key.includes("\\"))
        return "backslash (a Windows path separator)";
    if (key.startsWith("/"))
        return "absolute path";
    if (/^[a-z]:/i.test(key))
        return "Windows drive letter";
    if (platform === "win32" && key.includes(":"))
        return "colon (drive or alternate data stream on Windows)";
    for (const segment of key.split("/")) {
        if (segment === "")
            return "empty path segment (// or a trailing /)";
        if (segment === "." || segment === "..")
            return `"${segment}" path segment`;
        if (/^[a-z]:/i.test(segment))
            return "Windows drive letter";
        if (/[. ]$/.test(segment))
            return "segment ends with a dot or a space (Windows drops them)";
        if (Buffer.byteLength(segment, "utf8") > MAX_SEGMENT_BYTES)
            return "path segment longer than 255 bytes";
        if (platform === "win32" && WINDOWS_RESERVED.test(segment))
            return "reserved Windows device name";
    }
    return undefined;
}
const countSignificant = (text) => (text.match(/[./\\:]/g) ?? []).length;
/** Throwing form, for the downloader; the key is quoted with escapes so it can't drive the terminal. */
export function safeKeyPath(root, key, options = {}) {
    const result = resolveKeyPath(root, key, options);
    if (!result.ok) {
        throw new StrongboxError("failed", `Refusing to write key ${quoteKey(key)}: ${result.reason}.`, {
            hint: "Pass --out FILE to choose the local name yourself.",
        });
    }
    return result.path;
}
/**
 * Where a downloaded object goes: --out FILE, --out FOLDER/ (or an existing
 * folder), or the current folder. Inside a folder the key is held to the rules
 * above, and a symlinked folder can't lead the file outside it. The folders on
 * the way are created.
 */
export async function resolveTarget(out, key, cwd, checked) {
    let root;
    if (out === undefined)
        root = cwd;
    else if (out.endsWith("/") || out.endsWith(sep) || (await isDirectory(resolve(cwd, out))))
        root = resolve(cwd, out);
    else {
        const file = resolve(cwd, out);
        await mkdir(dirname(file), { recursive: true });
        return file;
    }
    const target = safeKeyPath(root, key);
    const parent = dirname(target);
    let check = checked?.get(parent);
    if (check === undefined) {
        check = makeFolderInside(root, parent);
        checked?.set(parent, check);
    }
    await check;
    return target;
}
/** Creates `folder` (below `root`) and refuses it when a symlink on the way leads outside `root`. */
async function makeFolderInside(root, folder) {
    await mkdir(folder, { recursive: true });
    const realRoot = await realpath(root);
    const realFolder = await realpath(folder);
    const rel = relative(realRoot, realFolder);
    if (rel.startsWith("..") || resolve(realRoot, rel) !== realFolder) {
        throw new StrongboxError("failed", `Refusing to write into ${JSON.stringify(relative(root, folder))}: that folder leads outside ${root} (symlink).`);
    }
}
export const isDirectory = (path) => stat(path).then((s) => s.isDirectory(), () => false);
