import { useState } from "preact/hooks";
import { ROLES, type Role } from "../../core/roles.js";
import { ApiError, api, type ServerState } from "./api.js";
import { formatDuration, secondsUntil } from "./format.js";

const WHAT: Record<Role, string> = {
  uploader: "send files (cannot read them back)",
  viewer: "browse, download and share files",
  admin: "everything, plus delete, restore and the audit views",
};

/** The last sign-in's role and profile name (no secret), offered again next time. */
const LAST = "strongbox.sign-in";

function lastSignIn(): { role: Role; profile: string } {
  try {
    const saved = JSON.parse(localStorage.getItem(LAST) ?? "{}") as {
      role?: unknown;
      profile?: unknown;
    };
    return {
      role: ROLES.includes(saved.role as Role) ? (saved.role as Role) : "viewer",
      profile: typeof saved.profile === "string" ? saved.profile : "",
    };
  } catch {
    return { role: "viewer", profile: "" };
  }
}

export function SignIn(props: {
  state: ServerState;
  notice: string;
  /** Uploads still running (under the roles they started with). */
  uploads: number;
  onSignedIn: (role: Role) => Promise<void>;
  onRefresh: () => Promise<void>;
}) {
  const { state } = props;
  const [role, setRole] = useState<Role>(() => lastSignIn().role);
  const [profile, setProfile] = useState(() => lastSignIn().profile);
  const [mfa, setMfa] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const needsMfa = role === "admin" && state.adminMfaRequired;
  const live = state.sessions.filter((s) => s.usable);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      await api.post("login", {
        role,
        ...(profile.trim() === "" ? {} : { profile: profile.trim() }),
        ...(needsMfa || mfa !== "" ? { mfaCode: mfa.trim() } : {}),
      });
      localStorage.setItem(LAST, JSON.stringify({ role, profile: profile.trim() }));
      await props.onSignedIn(role);
    } catch (err) {
      // Without a profile the server's hint names a CLI flag; the page has a field for it.
      const hint =
        err instanceof ApiError && err.kind === "credentials" && profile.trim() === ""
          ? "enter the AWS profile to sign in with, in the field above"
          : err instanceof ApiError
            ? err.hint
            : undefined;
      setError(hint ? `${(err as Error).message} (${hint})` : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="narrow">
      <h1>Strongbox</h1>
      <p class="muted">
        Files in <strong>{state.bucket}</strong> ({state.region})
      </p>
      {props.notice && (
        <p class="banner warn" role="alert">
          {props.notice}
        </p>
      )}
      {props.uploads > 0 && (
        <p class="banner" role="status">
          {props.uploads === 1 ? "1 upload keeps" : `${props.uploads} uploads keep`} running, each
          under the role it started with. Sign in to any role and open Upload to watch, pause or
          cancel them.
        </p>
      )}
      {live.length > 0 && (
        <section aria-labelledby="live-h">
          <h2 id="live-h">Continue as</h2>
          <ul class="sessions">
            {live.map((s) => (
              <li key={s.role}>
                <button type="button" onClick={() => void props.onSignedIn(s.role)}>
                  {s.role}
                </button>{" "}
                <span class="muted">
                  {formatDuration(secondsUntil(s.expiresAt))} left{s.mfa ? " · MFA" : ""} —{" "}
                  {WHAT[s.role]}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="signin-h">
        <h2 id="signin-h">Sign in to a role</h2>
        <form onSubmit={submit} class="stack">
          <fieldset>
            <legend>Role</legend>
            {ROLES.map((r) => (
              <label key={r} class="choice">
                <input
                  type="radio"
                  name="role"
                  value={r}
                  checked={role === r}
                  onChange={() => setRole(r)}
                />{" "}
                <strong>{r}</strong> <span class="muted">— {WHAT[r]}</span>
              </label>
            ))}
          </fieldset>
          <label>
            AWS profile{" "}
            <span class="muted">
              (optional; if empty, the role's profile in the config, else your usual one)
            </span>
            <input
              name="profile"
              value={profile}
              autocomplete="off"
              onInput={(e) => setProfile(e.currentTarget.value)}
            />
          </label>
          {(needsMfa || role === "admin") && (
            <label>
              MFA code {needsMfa ? "" : <span class="muted">(optional)</span>}
              <input
                name="mfa"
                inputMode="numeric"
                pattern="[0-9]{6}"
                autocomplete="one-time-code"
                required={needsMfa}
                value={mfa}
                onInput={(e) => setMfa(e.currentTarget.value)}
              />
            </label>
          )}
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : `Sign in as ${role}`}
          </button>
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
        </form>
      </section>
    </main>
  );
}
