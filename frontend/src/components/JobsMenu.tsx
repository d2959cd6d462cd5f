// The header's jobs menu: what one has running (with Cancel) and what failed lately (with Try again
// and Dismiss), each leading to where the job shows, kept current by the live stream.
import { useEffect, useRef, useState } from "react";
import { cancelJob, retryJob } from "../api/jobs";
import { useAction } from "../hooks/useAction";
import { dismissJob, useDismissed } from "../jobs/dismissed";
import { useMyJobs } from "../jobs/useMyJobs";
import { href } from "../router";
import type { Job } from "../types";
import ErrorMessage from "./ErrorMessage";

const KIND_NAMES: Record<string, string> = {
  llm_reply: "AI reply",
  tts: "Read aloud",
  transcription: "Transcription",
  recording_finish: "Saving a recording",
  profile: "Profile",
  export_threads: "Thread export",
};

export function jobName(job: Job): string {
  return KIND_NAMES[job.kind] ?? job.kind;
}

/** Where the job is shown: its entry, or the profile page. */
export function jobPlace(job: Job): string | null {
  if (job.kind === "profile" || job.kind === "export_threads") return href.profile;
  const made = (job.result as { node_id?: number } | null)?.node_id;
  const nodeId = job.node_id ?? made;
  return nodeId ? href.node(nodeId) : null;
}

function JobRow({ job, onChanged }: { job: Job; onChanged: () => void }) {
  const { busy, error, run } = useAction();
  const place = jobPlace(job);
  const name = jobName(job);
  const failed = job.status === "failed";
  return (
    <li className={`jobs-item job-${job.status}`} data-task-id={job.task_id} data-status={job.status}>
      <div className="jobs-item-head">
        {place ? <a href={place}>{name}</a> : <span>{name}</span>}
        <span className={`badge badge-${job.status}`}>{job.cancel_requested && !failed ? "cancelling" : job.status}</span>
      </div>
      <p className="muted jobs-item-stage">{failed ? job.error || "This did not finish." : `${job.stage || "Waiting to start"} · ${Math.round(job.progress ?? 0)}%`}</p>
      <ErrorMessage message={error} />
      <div className="job-actions">
        {!failed && (
          <button
            type="button"
            className="secondary small"
            disabled={busy || job.cancel_requested}
            onClick={() => run(async () => void (await cancelJob(job.task_id)))}
            aria-label={`Cancel ${name}`}
          >
            Cancel
          </button>
        )}
        {failed && (
          <>
            <button
              type="button"
              className="small"
              disabled={busy}
              onClick={() =>
                run(async () => {
                  await retryJob(job.task_id);
                  dismissJob(job.task_id); // the new attempt takes its place
                  onChanged();
                })
              }
              aria-label={`Try ${name} again`}
            >
              Try again
            </button>
            <button type="button" className="link-button small" onClick={() => dismissJob(job.task_id)} aria-label={`Dismiss ${name}`}>
              Dismiss
            </button>
          </>
        )}
      </div>
    </li>
  );
}

export default function JobsMenu() {
  const [open, setOpen] = useState(false);
  const { jobs, error, reload } = useMyJobs();
  const dismissed = useDismissed();
  const box = useRef<HTMLDivElement>(null);
  const failed = jobs.failed.filter((j) => !dismissed.includes(j.task_id));
  const count = jobs.running.length + failed.length;

  useEffect(() => {
    if (!open) return;
    reload();
    const key = (event: KeyboardEvent) => event.key === "Escape" && setOpen(false);
    const click = (event: MouseEvent) => !box.current?.contains(event.target as Node) && setOpen(false);
    document.addEventListener("keydown", key);
    document.addEventListener("mousedown", click);
    return () => {
      document.removeEventListener("keydown", key);
      document.removeEventListener("mousedown", click);
    };
  }, [open, reload]);

  return (
    <div className="jobs-menu" ref={box}>
      <button
        type="button"
        className="link-button jobs-button"
        aria-expanded={open}
        aria-controls="jobs-menu-list"
        onClick={() => setOpen(!open)}
        data-running={jobs.running.length}
      >
        Jobs
        {count > 0 && (
          <span className={failed.length ? "jobs-count failed" : "jobs-count"}>
            <span className="visually-hidden">:</span> {jobs.running.length > 0 ? `${jobs.running.length} running` : `${failed.length} failed`}
          </span>
        )}
      </button>
      {open && (
        <div id="jobs-menu-list" className="jobs-popover card" role="region" aria-label="Your jobs">
          <ErrorMessage message={error} />
          {jobs.running.length === 0 && failed.length === 0 && <p className="muted">Nothing is running, and nothing failed lately.</p>}
          {jobs.running.length > 0 && (
            <>
              <h2 className="jobs-heading">Running</h2>
              <ul className="jobs-list">
                {jobs.running.map((job) => (
                  <JobRow key={job.task_id} job={job} onChanged={reload} />
                ))}
              </ul>
            </>
          )}
          {failed.length > 0 && (
            <>
              <h2 className="jobs-heading">Failed lately</h2>
              <ul className="jobs-list">
                {failed.map((job) => (
                  <JobRow key={job.task_id} job={job} onChanged={reload} />
                ))}
              </ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
