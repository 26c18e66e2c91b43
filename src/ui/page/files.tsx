import { useCallback, useEffect, useState } from "preact/hooks";
import type { Role } from "../../core/roles.js";
import { api, type ServerState } from "./api.js";
import { can, refusedBecauseOfRole } from "./can.js";
import { handedOver, startDownload } from "./download.js";
import { Feedback, ObjectColumns, useAction } from "./feedback.js";
import { formatBytes, formatDate } from "./format.js";
import { ShareDialog } from "./share.js";
import { VersionsPanel } from "./versions.js";

interface Page {
  prefix: string;
  folders: string[];
  objects: { key: string; size: number; lastModified?: string }[];
  next?: string;
}

export function FilesView({
  role,
  state,
  visible,
}: {
  role: Role;
  state: ServerState;
  /** Listed afresh each time the tab is shown (uploads may have changed it). */
  visible: boolean;
}) {
  const [prefix, setPrefix] = useState("");
  const [page, setPage] = useState<Page | undefined>();
  const [pages, setPages] = useState<(string | undefined)[]>([undefined]);
  const { status, error, setError, act } = useAction();
  const [versionsOf, setVersionsOf] = useState<string | undefined>();
  const [shareOf, setShareOf] = useState<string | undefined>();
  const [openKey, setOpenKey] = useState("");
  /** Counts deletes from the rows: an open Versions panel is read afresh after each. */
  const [deletes, setDeletes] = useState(0);

  const load = useCallback(
    async (p: string, next: string | undefined) => {
      setError("");
      try {
        setPage(await api.get<Page>("browse", { role, prefix: p, next, pageSize: 50 }));
      } catch (err) {
        setPage(undefined);
        setError((err as Error).message);
      }
    },
    [role],
  );

  useEffect(() => {
    if (visible && can(role, "ListObjectsV2")) void load(prefix, pages[pages.length - 1]);
  }, [role, prefix, pages, load, visible]);

  if (!can(role, "ListObjectsV2")) {
    return (
      <section aria-labelledby="files-h">
        <h2 id="files-h">Files</h2>
        <p class="banner">
          {refusedBecauseOfRole(role, "ListObjectsV2", "list or download files")}
        </p>
      </section>
    );
  }

  const go = (p: string) => {
    setPrefix(p);
    setPages([undefined]);
  };
  const crumbs = prefix.split("/").filter((s) => s !== "");

  return (
    <section aria-labelledby="files-h">
      <h2 id="files-h">Files</h2>
      <nav aria-label="Folder path" class="crumbs">
        <ol>
          <li>
            <button type="button" class="link" onClick={() => go("")}>
              {state.bucket}
            </button>
          </li>
          {crumbs.map((c, i) => (
            <li key={crumbs.slice(0, i + 1).join("/")}>
              <button
                type="button"
                class="link"
                aria-current={i === crumbs.length - 1 ? "location" : undefined}
                onClick={() => go(`${crumbs.slice(0, i + 1).join("/")}/`)}
              >
                {c}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <Feedback status={status} error={error} />
      {page && (
        <div class="scroll">
          <table class="files">
            <caption class="sr-only">Files under {prefix === "" ? "the top" : prefix}</caption>
            <ObjectColumns first="Name" />
            <tbody>
              {page.folders.map((f) => (
                <tr key={f}>
                  <td colSpan={4}>
                    <button type="button" class="link folder" onClick={() => go(f)}>
                      {f.slice(prefix.length)}
                    </button>
                  </td>
                </tr>
              ))}
              {page.objects.map((o) => (
                <tr key={o.key}>
                  <td class="key">{o.key.slice(prefix.length)}</td>
                  <td class="num">{formatBytes(o.size)}</td>
                  <td>{formatDate(o.lastModified)}</td>
                  <td class="actions">
                    <button
                      type="button"
                      aria-label={`Download ${o.key}`}
                      onClick={() => act(handedOver(o.key), () => startDownload(role, o.key))}
                    >
                      Download
                    </button>
                    <button
                      type="button"
                      aria-label={`Versions of ${o.key}`}
                      onClick={() => setVersionsOf(o.key)}
                    >
                      Versions
                    </button>
                    <button
                      type="button"
                      aria-label={`Share ${o.key}`}
                      onClick={() => setShareOf(o.key)}
                    >
                      Share
                    </button>
                    {can(role, "DeleteObject") && (
                      <button
                        type="button"
                        class="danger"
                        aria-label={`Delete ${o.key}`}
                        onClick={() =>
                          act(`Deleted ${o.key} (earlier versions remain).`, async () => {
                            await api.post("rm", { role, key: o.key });
                            setDeletes((n) => n + 1);
                            await load(prefix, pages[pages.length - 1]);
                          })
                        }
                      >
                        Delete
                      </button>
                    )}
                  </td>
                </tr>
              ))}
              {page.folders.length + page.objects.length === 0 && (
                <tr>
                  <td colSpan={4} class="muted">
                    Nothing here.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <div class="pager">
        <button
          type="button"
          disabled={pages.length < 2}
          onClick={() => setPages(pages.slice(0, -1))}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={page?.next === undefined}
          onClick={() => setPages([...pages, page?.next])}
        >
          Next page
        </button>
      </div>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          if (openKey.trim() !== "") setVersionsOf(openKey.trim());
        }}
      >
        <label>
          Versions of a key (deleted ones too)
          <input value={openKey} onInput={(e) => setOpenKey(e.currentTarget.value)} />
        </label>
        <button type="submit">Show versions</button>
      </form>
      {versionsOf !== undefined && (
        <VersionsPanel
          key={`${versionsOf}:${deletes}`}
          role={role}
          objectKey={versionsOf}
          onClose={() => setVersionsOf(undefined)}
          onChanged={() => load(prefix, pages[pages.length - 1])}
        />
      )}
      {shareOf !== undefined && (
        <ShareDialog role={role} objectKey={shareOf} onClose={() => setShareOf(undefined)} />
      )}
    </section>
  );
}
