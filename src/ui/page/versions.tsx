import { useEffect, useState } from "preact/hooks";
import type { Role } from "../../core/roles.js";
import { api } from "./api.js";
import { can } from "./can.js";
import { handedOver, startDownload } from "./download.js";
import { Feedback, ObjectColumns, useAction } from "./feedback.js";
import { formatBytes, formatDate } from "./format.js";
import { usePanel } from "./panel.js";

interface Version {
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size?: number;
  lastModified?: string;
}

export function VersionsPanel(props: {
  role: Role;
  objectKey: string;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { role, objectKey } = props;
  const [versions, setVersions] = useState<Version[] | undefined>();
  const { status, error, setError, act: run } = useAction();
  const heading = usePanel(props.onClose);

  const load = async () => {
    setError("");
    try {
      setVersions(
        (await api.get<{ versions: Version[] }>("versions", { role, key: objectKey })).versions,
      );
    } catch (err) {
      setVersions(undefined);
      setError((err as Error).message);
    }
  };
  useEffect(() => {
    void load();
  }, [objectKey, role]);

  const act = (label: string, work: () => Promise<unknown>) =>
    run(label, work, async () => {
      await load();
      props.onChanged();
    });
  const deleted = versions?.[0]?.deleteMarker === true;

  return (
    <section class="panel" aria-labelledby="versions-h">
      <h3 id="versions-h" ref={heading} tabIndex={-1}>
        Versions of <span class="key">{objectKey}</span>
      </h3>
      <button type="button" class="close" onClick={props.onClose}>
        Close versions
      </button>
      <Feedback status={status} error={error} />
      {deleted && can(role, "RestoreVersion") && (
        <p>
          This file is deleted (a delete marker hides it).{" "}
          <button
            type="button"
            onClick={() =>
              act(`Undeleted ${objectKey}.`, () => api.post("undelete", { role, key: objectKey }))
            }
          >
            Undelete
          </button>
        </p>
      )}
      {versions && (
        <div class="scroll">
          <table>
            <ObjectColumns first="Version" />
            <tbody>
              {versions.map((v) => (
                <tr key={v.versionId}>
                  <td>
                    <code>{v.versionId}</code>
                    {v.isLatest ? " (latest)" : ""}
                  </td>
                  <td class="num">{v.deleteMarker ? "delete marker" : formatBytes(v.size ?? 0)}</td>
                  <td>{formatDate(v.lastModified)}</td>
                  <td class="actions">
                    {!v.deleteMarker && (
                      <button
                        type="button"
                        aria-label={`Download version ${v.versionId}`}
                        onClick={() =>
                          run(handedOver(`version ${v.versionId} of ${objectKey}`), () =>
                            startDownload(role, objectKey, v.versionId),
                          )
                        }
                      >
                        Download
                      </button>
                    )}
                    {!v.deleteMarker && !v.isLatest && can(role, "RestoreVersion") && (
                      <button
                        type="button"
                        aria-label={`Restore version ${v.versionId}`}
                        onClick={() =>
                          act(`Restored version ${v.versionId}; it is the latest again.`, () =>
                            api.post("restore", { role, key: objectKey, versionId: v.versionId }),
                          )
                        }
                      >
                        Restore
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
