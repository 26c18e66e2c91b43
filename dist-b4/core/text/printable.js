/**
 * Terminal-safe text. Object keys, log fields and S3 answers are untrusted:
 * a key holding "\n" could forge a line of `ls`, an ESC sequence could drive
 * the terminal, and a bidi override (U+202E) could make "gpj.exe" read as
 * "exe.jpg". Every renderer passes such text through here; each unsafe
 * character becomes a visible escape, `\u{hex}`.
 */
/**
 * C0 controls, DEL, C1 controls, soft hyphen, Arabic letter mark, Mongolian
 * vowel separator, zero-width and directional marks (U+200B–200F), line and
 * paragraph separators (U+2028/2029), embeddings and overrides (U+202A–202E),
 * invisible operators and isolates (U+2060–206F), BOM, interlinear annotation
 * (U+FFF9–FFFB), the Unicode tag block (invisible "ASCII smuggling"), and lone
 * surrogates.
 */
const UNSAFE = 
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\u{e0000}-\u{e007f}]|\p{Cs}/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "gu");
const escapeChar = (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
/**
 * `text` with every unsafe character replaced by `\u{hex}` (a newline becomes
 * `\u{a}`, ESC `\u{1b}`, RLO `\u{202e}`). With `keepNewlines`, "\n" passes
 * through: for whole rendered outputs whose fields were escaped already.
 */
export function printable(text, options = {}) {
    return text.replace(UNSAFE_ALL, (ch) => options.keepNewlines === true && ch === "\n" ? ch : escapeChar(ch));
}
/** A key quoted for a message: `"…"` with unsafe characters, `"` and `\` escaped. */
export function quoteKey(key) {
    return `"${Array.from(key, (ch) => (ch === '"' || ch === "\\" || UNSAFE.test(ch) ? escapeChar(ch) : ch)).join("")}"`;
}
/**
 * A key for a listing: as is when it is plain, else quoted (quoteKey). A plain
 * key never starts with `"`, so a quoted rendering can't be mistaken for a key
 * that merely looks like one.
 */
export function displayKey(key) {
    return key.startsWith('"') || UNSAFE.test(key) ? quoteKey(key) : key;
}
/**
 * JSON for a terminal: the exact value JSON.stringify gives (JSON.parse returns
 * the same keys), but with the characters JSON leaves raw (DEL, C1, bidi, line
 * separators, tags…) written as \uXXXX escapes, so printing it is safe too.
 */
export function terminalJson(value) {
    // Inside JSON.stringify's output a raw "\n" is layout: string contents have theirs escaped.
    return JSON.stringify(value, null, 2).replace(UNSAFE_ALL, (ch) => ch === "\n"
        ? ch
        : Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join(""));
}
