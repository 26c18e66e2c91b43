/**
 * A byte count for people: "42 B", "1.5 KiB", "64 MiB" (binary units, one
 * decimal below 10). Used by the CLI, the transfer planner's messages and the
 * web page; Node-free.
 */
export function formatBytes(bytes) {
    if (!Number.isFinite(bytes))
        return `${bytes} B`;
    if (Math.abs(bytes) < 1023.5)
        return `${Math.round(bytes)} B`;
    const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    let value = bytes / 1024;
    let unit = 0;
    // A value that would print as "1024" moves up a unit.
    while (Math.abs(value) >= 1023.5 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    // 9.96 KiB rounds up to "10.0": show it the way 10 KiB shows.
    const text = Math.abs(value) < 9.95 ? value.toFixed(1) : value.toFixed(0);
    return `${text} ${units[unit]}`;
}
