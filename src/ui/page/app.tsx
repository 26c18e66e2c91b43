import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { Role } from "../../core/roles.js";
import { AdminView } from "./admin.js";
import { api, type ServerState, sessionListeners } from "./api.js";
import { Tabs } from "./feedback.js";
import { FilesView } from "./files.js";
import { formatDuration, secondsUntil } from "./format.js";
import { SignIn } from "./signin.js";
import { UploadQueue } from "./upload/queue.js";
import { UploadsView } from "./uploads.js";

type Tab = "files" | "upload" | "admin";
const WARN_SECONDS = 10 * 60;

export function App({ hasToken }: { hasToken: boolean }) {
  const [state, setState] = useState<ServerState | undefined>();
  const [role, setRole] = useState<Role | undefined>();
  const [tab, setTab] = useState<Tab>("files");
  const [notice, setNotice] = useState("");
  const [error, setError] = useState("");
  const [, tick] = useState(0);
  // The app's, not the Upload tab's: uploads stay in view across a switch of role.
  const queue = useMemo(
    () => (state === undefined ? undefined : new UploadQueue(state.bucket)),
    [state?.bucket],
  );

  const refresh = useCallback(async () => {
    try {
      setState(await api.get<ServerState>("state"));
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);

  useEffect(() => {
    if (!hasToken) return;
    void refresh();
    const listener = (expired: Role | undefined, message: string) => {
      setRole((current) => (expired === undefined || expired === current ? undefined : current));
      setNotice(`${message} Sign in again to continue.`);
      void refresh();
    };
    sessionListeners.add(listener);
    const timer = setInterval(() => tick((n) => n + 1), 15_000);
    return () => {
      sessionListeners.delete(listener);
      clearInterval(timer);
    };
  }, [hasToken, refresh]);

  if (!hasToken) {
    return (
      <main class="narrow">
        <h1>Strongbox</h1>
        <p role="alert">
          This page needs the full address printed by <code>strongbox ui</code> (the part after “#”
          is its key). Open that address again.
        </p>
      </main>
    );
  }
  if (state === undefined || queue === undefined) {
    return (
      <main class="narrow">
        <h1>Strongbox</h1>
        <p role={error ? "alert" : "status"}>{error || "Loading…"}</p>
      </main>
    );
  }
  const session = state.sessions.find((s) => s.role === role);
  if (role === undefined || session === undefined) {
    return (
      <SignIn
        state={state}
        notice={notice}
        uploads={queue.running}
        onSignedIn={async (r) => {
          setNotice("");
          await refresh();
          setRole(r);
          setTab(r === "uploader" ? "upload" : "files");
        }}
        onRefresh={refresh}
      />
    );
  }
  const left = secondsUntil(session.expiresAt);
  const tabs: [Tab, string][] = [
    ["files", "Files"],
    ["upload", "Upload"],
    ...(role === "admin" ? ([["admin", "Admin"]] as [Tab, string][]) : []),
  ];
  return (
    <>
      <header class="bar">
        <h1>Strongbox</h1>
        <span class="who">
          <span class="bucket">{state.bucket}</span> · signed in as <strong>{role}</strong> ·{" "}
          <span data-testid="time-left">{formatDuration(left)} left</span>
        </span>
        <button type="button" class="link" onClick={() => setRole(undefined)}>
          Switch role
        </button>
      </header>
      {left < WARN_SECONDS && (
        <div class="banner warn" role="alert">
          Your {role} session ends in {formatDuration(Math.max(left, 0))}.{" "}
          <button type="button" onClick={() => setRole(undefined)}>
            Sign in again
          </button>
        </div>
      )}
      <Tabs label="Sections" class="tabs" tabs={tabs} current={tab} onSelect={setTab} />
      <main>
        {/* Kept mounted: an upload keeps going while the person browses. */}
        <div hidden={tab !== "files"}>
          <FilesView role={role} state={state} visible={tab === "files"} />
        </div>
        <div hidden={tab !== "upload"}>
          <UploadsView role={role} queue={queue} />
        </div>
        {role === "admin" && tab === "admin" && <AdminView state={state} />}
      </main>
    </>
  );
}
