import { usageError } from "../errors.js";
import { parseDuration } from "../text/duration.js";
/** CloudWatch Logs keeps at most ten years; anything longer is a typo. */
const MAX_WINDOW_SECONDS = 10 * 366 * 86400;
/**
 * `--since`: a duration back from now ("24h", "7d", "1h30m", "2w", "900s")
 * or an ISO-8601 instant with a time zone ("2026-11-27T08:00:00Z").
 */
export function parseSince(text, nowMs) {
    const endTime = Math.floor(nowMs / 1000);
    const trimmed = text.trim();
    if (/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
        if (!/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) {
            throw usageError(`--since "${text}" needs a time zone`, 'e.g. "2026-11-27T08:00:00Z"');
        }
        const ms = Date.parse(trimmed);
        if (Number.isNaN(ms))
            throw usageError(`--since "${text}" is not a valid date and time`);
        const startTime = Math.floor(ms / 1000);
        if (startTime >= endTime)
            throw usageError(`--since "${text}" is not in the past`);
        if (endTime - startTime > MAX_WINDOW_SECONDS) {
            throw usageError(`--since "${text}" is more than ten years ago`);
        }
        return { startTime, endTime };
    }
    const seconds = parseDuration(text, {
        flag: "since",
        hint: "use a duration such as 30m, 24h, 7d, 1h30m, or an instant like 2026-11-27T08:00:00Z",
        max: { seconds: MAX_WINDOW_SECONDS, words: "ten years" },
    });
    return { startTime: endTime - seconds, endTime };
}
