import { useEffect, useState } from "preact/hooks";
import type { Role } from "../../core/roles.js";
import { can, refusedBecauseOfRole } from "./can.js";
import { formatBytes, formatDuration } from "./format.js";
import type { UploadJob } from "./upload/engine.js";
import { filesOfDrop, type QueuedFile, type UploadQueue } from "./upload/queue.js";

const LABEL: Record<UploadJob["status"], string> = {
  queued: "Waiting",
  checking: "Checking",
  uploading: "Uploading",
  completing: "Finishing",
  paused: "Paused",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};

/**
 * The Upload tab. Its queue belongs to the app, not to this view: a switch of
 * role leaves it running and in view, each job signed under the role it
 * started with (the server keeps every role's session).
 */
export function UploadsView({ role, queue }: { role: Role; queue: UploadQueue }) {
  const [, redraw] = useState(0);
  useEffect(() => queue.listen(() => redraw((n) => n + 1)), [queue]);
  const [prefix, setPrefix] = useState("");
  const [refusal, setRefusal] = useState("");
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    const timer = setInterval(() => {
      queue.sample(Date.now());
      redraw((n) => n + 1);
    }, 1000);
    return () => clearInterval(timer);
  }, [queue]);

  const enqueue = (files: QueuedFile[]) => {
    if (files.length === 0) return;
    if (!can(role, "PutObject")) {
      setRefusal(refusedBecauseOfRole(role, "PutObject", "upload files"));
      return;
    }
    setRefusal("");
    const folder =
      prefix.trim() === "" || prefix.trim().endsWith("/") ? prefix.trim() : `${prefix.trim()}/`;
    queue.add(files, folder, role);
  };
  const fromInput = (input: HTMLInputElement) => {
    const files = [...(input.files ?? [])].map((file) => ({
      file,
      relativePath: file.webkitRelativePath ?? "",
    }));
    input.value = "";
    enqueue(files);
  };

  const jobs = queue.jobs;
  const total = jobs.reduce((s, j) => s + (j.status === "cancelled" ? 0 : j.total), 0);
  const sent = jobs.reduce((s, j) => s + (j.status === "cancelled" ? 0 : j.sent), 0);
  const rate = [...queue.rates.values()].reduce((s, r) => s + r, 0);

  return (
    <section aria-labelledby="upload-h">
      <h2 id="upload-h">Upload</h2>
      {!can(role, "PutObject") && (
        <p class="banner" data-testid="upload-role-note">
          {refusedBecauseOfRole(role, "PutObject", "upload files")}
        </p>
      )}
      <label>
        Into folder <span class="muted">(optional, e.g. reports/2026/)</span>
        <input value={prefix} onInput={(e) => setPrefix(e.currentTarget.value)} />
      </label>
      <section
        class={`drop ${dragging ? "over" : ""}`}
        aria-label="Drop zone for files and folders"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={async (e) => {
          e.preventDefault();
          setDragging(false);
          if (e.dataTransfer) enqueue(await filesOfDrop(e.dataTransfer.items));
        }}
      >
        <p>Drop files or folders here, or</p>
        <label class="button">
          Choose files
          <input
            type="file"
            multiple
            class="sr-only"
            data-testid="pick-files"
            onChange={(e) => fromInput(e.currentTarget)}
          />
        </label>{" "}
        <label class="button">
          Choose a folder
          <input
            type="file"
            class="sr-only"
            // @ts-expect-error: a non-standard attribute every current browser supports
            webkitdirectory=""
            onChange={(e) => fromInput(e.currentTarget)}
          />
        </label>
      </section>
      {refusal && (
        <p class="error" role="alert">
          {refusal}
        </p>
      )}
      {jobs.length > 0 && (
        <div class="overall" aria-live="polite">
          <progress max={total || 1} value={sent} aria-label="All uploads" />
          <span>
            {formatBytes(sent)} of {formatBytes(total)}
            {rate > 0
              ? ` · ${formatBytes(rate)}/s · ${formatDuration((total - sent) / rate)} left`
              : ""}
          </span>
        </div>
      )}
      <ul class="queue" aria-label="Upload queue">
        {jobs.map((job, i) => {
          const jobRate = queue.rates.get(job) ?? 0;
          return (
            <li key={i} class={`job ${job.status}`} data-testid="job">
              <div class="job-head">
                <span>
                  <span class="key">{job.key}</span>
                  {job.role !== role && <span class="muted"> as {job.role}</span>}
                </span>
                <span class="job-status" data-testid="job-status">
                  {LABEL[job.status]}
                </span>
              </div>
              <progress
                max={job.total || 1}
                value={job.sent}
                aria-label={`Progress of ${job.key}`}
              />
              <div class="job-meta">
                <span data-testid="job-bytes">
                  {formatBytes(job.sent)} of {formatBytes(job.total)}
                </span>
                {job.status === "uploading" && jobRate > 0 && (
                  <span>
                    {" "}
                    · {formatBytes(jobRate)}/s · {formatDuration((job.total - job.sent) / jobRate)}{" "}
                    left
                  </span>
                )}
                {job.partsResumed > 0 && (
                  <span data-testid="job-resumed"> · {job.partsResumed} parts already on S3</span>
                )}
              </div>
              {job.message && (
                <p
                  class={job.status === "failed" ? "error" : "muted"}
                  role={job.status === "failed" ? "alert" : undefined}
                >
                  {job.message}
                </p>
              )}
              <div class="actions">
                {controlsOf(job, queue).map((c) => (
                  <button
                    type="button"
                    key={c.label}
                    class={c.danger ? "danger" : undefined}
                    onClick={c.run}
                    aria-label={`${c.label} ${job.key}`}
                  >
                    {c.label}
                  </button>
                ))}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The buttons a job offers in its state, in this order. */
function controlsOf(job: UploadJob, queue: UploadQueue) {
  const controls = [
    {
      label: "Pause",
      show: ["queued", "checking", "uploading"].includes(job.status),
      run: () => job.pause(),
    },
    { label: "Resume", show: job.status === "paused", run: () => queue.resume(job) },
    {
      label: "Retry",
      show: job.status === "failed" && job.retryable,
      run: () => queue.resume(job),
    },
    {
      label: "Cancel",
      show: !["done", "cancelled", "completing"].includes(job.status),
      run: () => void job.cancel().then(() => queue.pump()),
      danger: true,
    },
  ];
  return controls.filter((c) => c.show);
}
