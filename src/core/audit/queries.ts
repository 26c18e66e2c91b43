/**
 * The saved queries `strongbox audit` knows (issue 4), by their command-line
 * name, and what each shows (infra/modules/strongbox/queries.tf). No Node
 * imports: the page's Activity view names them too.
 */
export const AUDIT_QUERIES = [
  "failed-uploads",
  "denied",
  "activity",
  "downloads",
  "sessions",
  "top-callers",
] as const;
export type AuditQuery = (typeof AUDIT_QUERIES)[number];

export const AUDIT_QUERY_LABELS: Record<AuditQuery, string> = {
  "failed-uploads": "failed uploads, by person and key",
  denied: "refused requests (access denied), by person",
  activity: "recent activity, every request",
  downloads: "downloads, by person",
  sessions: "role sign-ins, by person",
  "top-callers": "busiest callers",
};
