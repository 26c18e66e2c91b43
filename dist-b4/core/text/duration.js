import { usageError } from "../errors.js";
/**
 * The one duration grammar of every flag that takes one (--expires, --duration,
 * --idle, --since, ...): amounts with units, each unit at most once, e.g.
 * "30m", "1h30m", "7d", "2w", "900s"; where the flag allows it, a bare number
 * of seconds ("900").
 */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
/** A duration → whole seconds (> 0), or a usage error naming the flag. */
export function parseDuration(text, rules) {
    const trimmed = text.trim();
    const refuse = (why) => usageError(`--${rules.flag} "${text}" ${why}`, rules.hint);
    let seconds = 0;
    if (rules.bareSeconds === true && /^\d+$/.test(trimmed)) {
        seconds = Number(trimmed);
    }
    else {
        if (!/^(\d+[smhdw])+$/.test(trimmed))
            throw refuse("is not a duration");
        const seen = new Set();
        for (const [, amount, unit] of trimmed.matchAll(/(\d+)([smhdw])/g)) {
            if (unit === undefined || amount === undefined)
                continue;
            if (seen.has(unit))
                throw refuse(`repeats the unit "${unit}"`);
            seen.add(unit);
            seconds += Number(amount) * (UNIT_SECONDS[unit] ?? 0);
        }
    }
    if (!Number.isSafeInteger(seconds))
        throw refuse("is too long");
    if (seconds <= 0)
        throw refuse("must be longer than zero");
    if (rules.max !== undefined && seconds > rules.max.seconds) {
        throw refuse(`is longer than ${rules.max.words}`);
    }
    return seconds;
}
