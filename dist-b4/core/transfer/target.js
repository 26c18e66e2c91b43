import { resolve, sep } from "node:path";
import { StrongboxError } from "../errors.js";
import { quoteKey } from "../text/printable.js";
import { isDirectory, resolveKeyPath } from "./safe-path.js";
/**
 * `aws s3 cp` habits: `--out -` is stdout; no --out, or a folder (ends in "/"
 * or is one), takes the key's base name (`photos/sub/b.txt` → `DIR/b.txt`);
 * anything else is the file itself. The base name is held to the same rules
 * as any key that becomes a path (safe-path.ts). Nothing is created here.
 */
export async function downloadTarget(out, key, cwd) {
    if (out === "-")
        return { kind: "stdout" };
    const folder = out === undefined
        ? cwd
        : out.endsWith("/") || out.endsWith(sep) || (await isDirectory(resolve(cwd, out)))
            ? resolve(cwd, out)
            : undefined;
    if (folder === undefined)
        return { kind: "file", path: resolve(cwd, out) };
    const base = key.slice(key.lastIndexOf("/") + 1);
    const result = resolveKeyPath(folder, base);
    if (!result.ok) {
        throw new StrongboxError("failed", `Refusing to write key ${quoteKey(key)}: ${base === "" ? "it has no base name" : result.reason}.`, { hint: "Pass --out FILE to choose the local name yourself." });
    }
    return { kind: "file", path: result.path };
}
