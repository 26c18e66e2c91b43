/** Small text helpers for human output (tables, sizes, times). */
import { formatBytes as formatByteCount } from "../core/text/bytes.js";
import { printable } from "../core/text/printable.js";
/** A size, or "-" when S3 did not say. */
export const formatBytes = (bytes) => bytes === undefined ? "-" : formatByteCount(bytes);
export const formatTime = (date) => date === undefined ? "-" : date.toISOString().replace(/\.\d{3}Z$/, "Z");
export function formatDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (h > 0)
        return `${h}h${String(m).padStart(2, "0")}m`;
    if (m > 0)
        return `${m}m${String(s % 60).padStart(2, "0")}s`;
    return `${s}s`;
}
/** Left-aligned columns; `rightAlign` marks numeric columns. Cells are escaped (printable): one row, one line. */
export function table(cells, rightAlign = []) {
    const rows = cells.map((row) => row.map((cell) => printable(cell)));
    const widths = [];
    for (const row of rows) {
        row.forEach((cell, i) => {
            widths[i] = Math.max(widths[i] ?? 0, cell.length);
        });
    }
    return rows
        .map((row) => row
        .map((cell, i) => {
        if (i === row.length - 1 && !rightAlign.includes(i))
            return cell;
        const w = widths[i] ?? 0;
        return rightAlign.includes(i) ? cell.padStart(w) : cell.padEnd(w);
    })
        .join("  "))
        .join("\n");
}
