import ignore from "ignore";
import { usageError } from "../errors.js";
/**
 * Which files of a folder a transfer takes, from gitignore-style globs
 * (`*.log`, `build/`, `**\/tmp/`, `/top-only.txt`): everything, minus what
 * an --exclude matches, plus what a later --include matches again. As in
 * .gitignore, a file inside an excluded folder cannot be included again:
 * exclude `build/*` rather than `build/` to keep some of it.
 * Paths are relative to the folder, with "/" separators.
 */
export function fileSelector(rules) {
    if (rules.length === 0)
        return () => true;
    const matcher = ignore({ allowRelativePaths: false });
    for (const rule of rules) {
        const pattern = rule.pattern.trim();
        if (pattern === "" || pattern.startsWith("#"))
            throw usageError(`--${rule.kind} "${rule.pattern}" is not a pattern`);
        if (rule.kind === "include" && pattern.startsWith("!"))
            throw usageError(`--include "${rule.pattern}": write the pattern without "!"`);
        matcher.add(rule.kind === "exclude" ? pattern : `!${pattern}`);
    }
    return (relativePath) => !matcher.ignores(relativePath);
}
