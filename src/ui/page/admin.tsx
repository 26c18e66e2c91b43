import { useEffect, useState } from "preact/hooks";
import { AUDIT_QUERY_LABELS, type AuditQuery } from "../../core/audit/queries.js";
import { ApiError, api, type ServerState } from "./api.js";
import { Feedback, Tabs } from "./feedback.js";
import { formatAgo, formatDate, secondsUntil } from "./format.js";

type Section = "uploads" | "audit" | "alarms" | "access" | "signed";

/** A table of rows of text (never markup), from any of the admin answers. */
function Table({ columns, rows, label }: { columns: string[]; rows: string[][]; label: string }) {
  return (
    <div class="scroll">
      <table>
        <caption class="sr-only">{label}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={columns.length} class="muted">
                None.
              </td>
            </tr>
          )}
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError("");
    try {
      setData(await load());
    } catch (err) {
      setData(undefined);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void run();
  }, deps);
  return { data, error, busy, run };
}

function Status({ error, busy }: { error: string; busy: boolean }) {
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  return (
    <p class="status" role="status">
      {busy ? "Loading…" : ""}
    </p>
  );
}

function PendingUploads() {
  const { data, error, busy, run } = useLoad(
    () =>
      api.get<{
        uploads: { key: string; uploadId: string; initiated?: string }[];
      }>("pending-uploads", { role: "admin" }),
    [],
  );
  const [note, setNote] = useState("");
  const [failure, setFailure] = useState("");
  const abort = async (u: { key: string; uploadId: string }) => {
    setNote("");
    setFailure("");
    try {
      await api.post("pending-uploads/abort", { role: "admin", key: u.key, uploadId: u.uploadId });
      setNote(`Aborted the upload of ${u.key}.`);
    } catch (err) {
      // Ended elsewhere (aborted or completed) since the list was read: nothing is left to abort.
      if (err instanceof ApiError && err.kind === "not-found") {
        setNote(`The upload of ${u.key} had already ended (aborted or completed elsewhere).`);
      } else {
        setFailure((err as Error).message);
      }
    }
    await run();
  };
  return (
    <>
      <p class="muted">
        Multipart uploads started and never completed: they hold storage until aborted.
      </p>
      <Status error={error} busy={busy} />
      <Feedback status={note} error={failure} />
      {data && (
        <ul class="plain">
          {data.uploads.length === 0 && <li class="muted">None.</li>}
          {data.uploads.map((u) => (
            <li key={u.uploadId}>
              <span class="key">{u.key}</span> — started {formatDate(u.initiated)}
              {u.initiated !== undefined ? ` (${formatAgo(-secondsUntil(u.initiated))})` : ""}{" "}
              <button
                type="button"
                class="danger"
                aria-label={`Abort the upload of ${u.key}`}
                onClick={() => void abort(u)}
              >
                Abort
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Audit({ queries }: { queries: string[] }) {
  const [query, setQuery] = useState(
    queries.includes("activity") ? "activity" : (queries[0] ?? ""),
  );
  const [since, setSince] = useState("24h");
  const { data, error, busy, run } = useLoad(
    () =>
      api.get<{ columns: string[]; records: Record<string, string>[] }>("audit", { query, since }),
    [],
  );
  return (
    <>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label>
          Query
          <select value={query} onChange={(e) => setQuery(e.currentTarget.value)}>
            {queries.map((q) => (
              <option key={q} value={q}>
                {AUDIT_QUERY_LABELS[q as AuditQuery] ?? q}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since
          <input value={since} size={6} onInput={(e) => setSince(e.currentTarget.value)} />
        </label>
        <button type="submit">Run</button>
      </form>
      <Status error={error} busy={busy} />
      {data && (
        <Table
          label="Audit records"
          columns={data.columns}
          rows={data.records.map((r) => data.columns.map((c) => r[c] ?? ""))}
        />
      )}
    </>
  );
}

function Alarms() {
  const { data, error, busy } = useLoad(
    () =>
      api.get<{
        alarms: { name: string; state: string; since?: string; reason: string }[];
        missing: string[];
      }>("alarms"),
    [],
  );
  return (
    <>
      <Status error={error} busy={busy} />
      {data && (
        <>
          <Table
            label="Alarms"
            columns={["State", "Alarm", "Since", "Reason"]}
            rows={data.alarms.map((a) => [a.state, a.name, formatDate(a.since), a.reason])}
          />
          {data.missing.length > 0 && (
            <p class="warn">
              Declared by the deployment but missing from CloudWatch: {data.missing.join(", ")}
            </p>
          )}
        </>
      )}
    </>
  );
}

function Access() {
  const { data, error, busy } = useLoad(
    () =>
      api.get<{
        engine: string;
        engineNote?: string;
        omitted: string[];
        notes: string[];
        roles: string[];
        capabilities: { id: string; description: string }[];
        matrix: {
          capability: string;
          role: string;
          actual: string;
          expected: string;
          flagged: boolean;
        }[];
        totals: { cells: number; differing: number };
      }>("access"),
    [],
  );
  return (
    <>
      <Status error={error} busy={busy} />
      {data && (
        <>
          <p>
            {data.totals.differing === 0
              ? `All ${data.totals.cells} cells match the access contract`
              : `${data.totals.differing} of ${data.totals.cells} cells differ from the access contract`}{" "}
            (engine: {data.engine}).
          </p>
          {data.engineNote && <p>Note: {data.engineNote}</p>}
          {data.omitted.map((row) => (
            <p key={row}>Not checked: {row}</p>
          ))}
          {data.notes.map((note) => (
            <p key={note}>Note: {note}</p>
          ))}
          <Table
            label="Access matrix"
            columns={["Capability", ...data.roles]}
            rows={data.capabilities.map((c) => [
              c.description,
              ...data.roles.map((r) => {
                const cell = data.matrix.find((m) => m.capability === c.id && m.role === r);
                if (cell === undefined) return "–";
                return cell.flagged ? `✗ ${cell.actual} (contract: ${cell.expected})` : cell.actual;
              }),
            ])}
          />
        </>
      )}
    </>
  );
}

/** The signing log's newest entries shown at first (the server keeps 200). */
const SIGNED_SHOWN = 20;

function Signed() {
  const { data, error, busy, run } = useLoad(
    () =>
      api.get<{
        entries: { at: string; role: string; method: string; url: string; expiresAt: string }[];
      }>("signed-log"),
    [],
  );
  const [all, setAll] = useState(false);
  const newest = [...(data?.entries ?? [])].reverse();
  const shown = all ? newest : newest.slice(0, SIGNED_SHOWN);
  return (
    <>
      <p class="muted">Every URL this server signed, without its signature; the newest first.</p>
      <button type="button" onClick={() => void run()}>
        Refresh
      </button>
      <Status error={error} busy={busy} />
      {data && (
        <Table
          label="Signed URLs"
          columns={["At", "Role", "Method", "Until", "URL"]}
          rows={shown.map((e) => [
            formatDate(e.at),
            e.role,
            e.method,
            formatDate(e.expiresAt),
            e.url,
          ])}
        />
      )}
      {shown.length < newest.length && (
        <button type="button" onClick={() => setAll(true)}>
          Show all {newest.length}
        </button>
      )}
    </>
  );
}

export function AdminView({ state }: { state: ServerState }) {
  const [section, setSection] = useState<Section>("uploads");
  const sections: [Section, string][] = [
    ["uploads", "Unfinished uploads"],
    ["audit", "Activity"],
    ["alarms", "Alarms"],
    ["access", "Access matrix"],
    ["signed", "Signed URLs"],
  ];
  return (
    <section aria-labelledby="admin-h">
      <h2 id="admin-h">Admin</h2>
      <Tabs
        label="Admin views"
        class="tabs sub"
        tabs={sections}
        current={section}
        onSelect={setSection}
      />
      <h3>{sections.find(([id]) => id === section)?.[1]}</h3>
      {section === "uploads" && <PendingUploads />}
      {section === "audit" && <Audit queries={state.auditQueries} />}
      {section === "alarms" && <Alarms />}
      {section === "access" && <Access />}
      {section === "signed" && <Signed />}
    </section>
  );
}
