import { usageError } from "../errors.js";
/**
 * Narrowing a saved Logs Insights query with the user's --key / --principal.
 * The saved query text comes from Terraform; the values come from the command
 * line, so they only ever enter the query as escaped string literals, never as
 * query syntax.
 */
/** S3 keys are at most 1024 bytes of UTF-8. */
const MAX_KEY_BYTES = 1024;
/**
 * A Logs Insights double-quoted string literal holding `value` verbatim.
 * Control characters (newline, NUL, …) are refused rather than escaped: they
 * cannot be written portably in the Insights language and no real key or
 * principal needs them in an audit filter.
 */
export function insightsString(value, flag) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
    if (/[\u0000-\u001f\u007f]/.test(value)) {
        throw usageError(`--${flag} must not contain control characters (newline, tab, NUL…)`);
    }
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}
export function validateKey(key) {
    if (key.length === 0)
        throw usageError("--key must not be empty");
    if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
        throw usageError("--key is longer than S3's 1024-byte limit");
    }
    insightsString(key, "key");
    return key;
}
/**
 * A principal: an ARN (user, role, assumed-role), an account id, a role session
 * name or a SourceIdentity. IAM names and STS session names use only these
 * characters, so anything else is a typo or an injection attempt.
 */
const PRINCIPAL = /^[A-Za-z0-9+=,.@_:/-]{1,2048}$/;
export function validatePrincipal(principal) {
    if (!PRINCIPAL.test(principal)) {
        throw usageError(`--principal "${principal.slice(0, 80)}" is not an ARN, account id, session name or SourceIdentity`, "IAM and STS names use letters, digits and + = , . @ _ : / -");
    }
    return principal;
}
/**
 * CloudTrail fields a --principal may match: the caller's ARN, the SourceIdentity
 * behind a role session, the role (session issuer), the principal id, and for
 * AssumeRole records the SourceIdentity being requested.
 */
export const PRINCIPAL_FIELDS = [
    "userIdentity.arn",
    "userIdentity.sessionContext.sourceIdentity",
    "requestParameters.sourceIdentity",
    "userIdentity.sessionContext.sessionIssuer.arn",
    "userIdentity.principalId",
];
export function filterClause(filters) {
    const conditions = [];
    if (filters.key !== undefined) {
        conditions.push(`requestParameters.key = ${insightsString(validateKey(filters.key), "key")}`);
    }
    if (filters.principal !== undefined) {
        const literal = insightsString(validatePrincipal(filters.principal), "principal");
        conditions.push(`(${PRINCIPAL_FIELDS.map((field) => `${field} = ${literal}`).join(" or ")})`);
    }
    return conditions.length === 0 ? undefined : `filter ${conditions.join(" and ")}`;
}
/**
 * Commands after which raw CloudTrail fields may no longer exist or the row
 * count is already decided; our filter goes in front of the first of them.
 */
const SHAPING_COMMANDS = new Set([
    "stats",
    "sort",
    "limit",
    "dedup",
    "display",
    "pattern",
    "diff",
    "unmask",
]);
/**
 * Splits a query into its `|`-separated commands, ignoring `|` inside
 * strings, regexes, backticked field names and comments.
 */
export function splitCommands(query) {
    const commands = [];
    let current = "";
    let quote;
    let inComment = false;
    for (let i = 0; i < query.length; i++) {
        const ch = query[i];
        if (inComment) {
            current += ch;
            if (ch === "\n")
                inComment = false;
            continue;
        }
        if (quote !== undefined) {
            current += ch;
            if (ch === "\\" && quote !== "`" && i + 1 < query.length) {
                current += query[++i];
            }
            else if (ch === quote) {
                quote = undefined;
            }
            continue;
        }
        if (ch === "#") {
            inComment = true;
            current += ch;
        }
        else if (ch === '"' || ch === "'" || ch === "`") {
            quote = ch;
            current += ch;
        }
        else if (ch === "/" && regexCanStart(current)) {
            quote = "/";
            current += ch;
        }
        else if (ch === "|") {
            commands.push(current);
            current = "";
        }
        else {
            current += ch;
        }
    }
    commands.push(current);
    return commands;
}
/** A `/` starts a regex literal after `like`, `=~`, `(` or `,`, not in arithmetic. */
function regexCanStart(before) {
    return /(\blike|=~|[(,])\s*$/.test(before);
}
function commandWord(command) {
    const withoutComments = command
        .split("\n")
        .filter((line) => !line.trim().startsWith("#"))
        .join("\n");
    return (/^\s*([A-Za-z]+)/.exec(withoutComments)?.[1] ?? "").toLowerCase();
}
/** The saved query with the user's filters inserted before its first aggregation. */
export function narrowQuery(savedQuery, filters) {
    const clause = filterClause(filters);
    if (clause === undefined)
        return savedQuery;
    const commands = splitCommands(savedQuery);
    const at = commands.findIndex((command) => SHAPING_COMMANDS.has(commandWord(command)));
    const insertAt = at === -1 ? commands.length : at;
    const stages = commands.map((command) => command.trim()).filter((command) => command !== "");
    const shift = commands.slice(0, insertAt).filter((command) => command.trim() === "").length;
    stages.splice(insertAt - shift, 0, clause);
    return stages.join("\n| ");
}
