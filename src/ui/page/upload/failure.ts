/**
 * Whether a Retry can get past a failed upload, decided by the failure's kind:
 * the CLI's exit-code kinds (src/core/errors.ts) as the server sends them, and
 * the page's own ("network", "refused"). A refusal by rule repeats on every
 * retry: access denied (an Uploader's key that already exists too), not found,
 * a usage error, a page without its key. Anything else may pass: the network,
 * S3 unavailable, a changed or corrupted part, an expired URL or session
 * (once signed in again), or a failure of no known kind.
 */
const FINAL_KINDS = new Set(["access-denied", "not-found", "usage", "refused"]);

export function kindOf(err: unknown): string | undefined {
  const kind = (err as { kind?: unknown } | null | undefined)?.kind;
  return typeof kind === "string" ? kind : undefined;
}

export function retryable(err: unknown): boolean {
  const kind = kindOf(err);
  return kind === undefined || !FINAL_KINDS.has(kind);
}
