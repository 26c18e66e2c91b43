import { useState } from "preact/hooks";

/**
 * What the views share: an action's outcome (a status line, or an error read
 * out as an alert), the tab bars, and the head of an object table.
 */

export interface Action {
  status: string;
  error: string;
  setError: (message: string) => void;
  /** Runs `work`; says `label` when it succeeds (then runs `after`), its error when it fails. */
  act: (label: string, work: () => Promise<unknown>, after?: () => unknown) => Promise<void>;
}

export function useAction(): Action {
  const [status, setStatus] = useState("");
  const [error, setError] = useState("");
  const act: Action["act"] = async (label, work, after) => {
    setStatus("");
    setError("");
    try {
      await work();
      setStatus(label);
      await after?.();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return { status, error, setError, act };
}

/** The status line (kept in place, so screen readers hear each change) and the error, if any. */
export function Feedback({ status, error }: { status?: string; error: string }) {
  return (
    <>
      {status !== undefined && (
        <p class="status" role="status">
          {status}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** A row of tab buttons; the current one is marked for assistive technology. */
export function Tabs<Id extends string>(props: {
  label: string;
  class: string;
  tabs: [Id, string][];
  current: Id;
  onSelect: (id: Id) => void;
}) {
  return (
    <nav aria-label={props.label} class={props.class}>
      {props.tabs.map(([id, label]) => (
        <button
          type="button"
          key={id}
          aria-current={props.current === id ? "page" : undefined}
          onClick={() => props.onSelect(id)}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

/** The head of a table of objects or versions: first column, size, date, actions. */
export function ObjectColumns({ first }: { first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col" class="num">
          Size
        </th>
        <th scope="col">Modified</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
  );
}
