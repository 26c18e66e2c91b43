import { useState } from "preact/hooks";
import type { Role } from "../../core/roles.js";
import { api } from "./api.js";
import { Feedback } from "./feedback.js";
import { formatDate } from "./format.js";
import { usePanel } from "./panel.js";

const CHOICES: [number, string][] = [
  [15 * 60, "15 minutes"],
  [3600, "1 hour"],
  [4 * 3600, "4 hours"],
  [24 * 3600, "1 day"],
  [7 * 24 * 3600, "7 days"],
];

export function ShareDialog(props: { role: Role; objectKey: string; onClose: () => void }) {
  const [seconds, setSeconds] = useState(3600);
  const [link, setLink] = useState<{ url: string; expiresAt: string; clamped: boolean }>();
  const [error, setError] = useState("");
  const [copied, setCopied] = useState("");
  const heading = usePanel(props.onClose);

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied("Copied.");
    } catch {
      setCopied("The browser did not allow copying: select the link above and copy it.");
    }
  };

  const create = async (e: Event) => {
    e.preventDefault();
    setError("");
    setCopied("");
    try {
      setLink(
        await api.post("share", {
          role: props.role,
          key: props.objectKey,
          expiresInSeconds: seconds,
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <section class="panel" aria-labelledby="share-h">
      <h3 id="share-h" ref={heading} tabIndex={-1}>
        Share <span class="key">{props.objectKey}</span>
      </h3>
      <button type="button" class="close" onClick={props.onClose}>
        Close sharing
      </button>
      <form onSubmit={create} class="inline">
        <label>
          Link valid for
          <select value={seconds} onChange={(e) => setSeconds(Number(e.currentTarget.value))}>
            {CHOICES.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Create link</button>
      </form>
      <Feedback error={error} />
      {link && (
        <div class="stack">
          <label>
            Link (anyone holding it can download this file until it expires)
            <input readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <p data-testid="share-expiry">
            Valid until <strong>{formatDate(link.expiresAt)}</strong>
            {link.clamped
              ? " — earlier than you asked: a link ends with the session that signs it."
              : "."}
          </p>
          <p>
            <button type="button" onClick={() => void copy(link.url)}>
              Copy link
            </button>{" "}
            <span role="status">{copied}</span>
          </p>
        </div>
      )}
    </section>
  );
}
