/** Display helpers: sizes, durations, dates (the person's locale). */
export { formatBytes } from "../../core/text/bytes.js";

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 99 * 3600) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ""}`.trim();
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** How long ago, readably: "5 min ago", "3 h ago", "12 days ago", "16 years ago". */
export function formatAgo(seconds: number): string {
  if (!Number.isFinite(seconds)) return "–";
  const m = Math.floor(Math.max(seconds, 0) / 60);
  if (m < 1) return "just now";
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  const d = Math.floor(h / 24);
  return d < 730 ? `${d} days ago` : `${Math.floor(d / 365)} years ago`;
}

export function formatDate(iso: string | undefined): string {
  if (iso === undefined) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? "–" : d.toLocaleString();
}

export function secondsUntil(iso: string | undefined, now = Date.now()): number {
  return iso === undefined ? 0 : Math.floor((Date.parse(iso) - now) / 1000);
}
