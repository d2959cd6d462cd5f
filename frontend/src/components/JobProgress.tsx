// Live progress of one background job: its status, stage and a progress bar, with Cancel while it
// runs, kept up to date by the page's live stream (or by polling GET /api/jobs/<task_id> about
// every second while the stream is not open). A failed job shows its `error` (worded for the
// writer) with "Try again"; the operator's `error_detail`, which the API sends to administrators
// only, stays folded away under a disclosure. A finished card can be dismissed, and stays away
// after a reload (jobs/dismissed.ts).
import { useEffect, useRef, useState, type ReactNode } from "react";
import { cancelJob, retryJob } from "../api/jobs";
import { useAction } from "../hooks/useAction";
import { useLiveJob } from "../hooks/useEvents";
import { dismissJob, useDismissed } from "../jobs/dismissed";
import { isFinished, type Job } from "../types";
import ErrorMessage from "./ErrorMessage";
import ProgressBar from "./ProgressBar";

interface Props {
  taskId: string;
  /** What the job does, e.g. "AI reply", "Transcription". */
  label: string;
  /** How often to poll while the live stream is not open. */
  intervalMs?: number;
  /** Called once when the job completes, with the job (narrow on `kind` to read its `result`). */
  onCompleted?: (job: Job) => void;
  /** Called once when the job fails or is cancelled. */
  onStopped?: (job: Job) => void;
  /** Called when Retry started a new job. */
  onRetried?: (taskId: string) => void;
  /** Extra content shown under a completed job (a link, a player...). */
  children?: ReactNode;
}

function Failure({ job }: { job: Job | null }) {
  const detail = job?.error_detail;
  return (
    <div className="job-failure">
      <ErrorMessage message={job?.error || "This did not finish. Try again."} />
      {detail && detail !== job?.error && (
        <details className="job-detail">
          <summary>Details for administrators</summary>
          <p>{detail}</p>
        </details>
      )}
    </div>
  );
}

export default function JobProgress({
  taskId,
  label,
  intervalMs = 1000,
  onCompleted,
  onStopped,
  onRetried,
  children,
}: Props) {
  const [currentId, setCurrentId] = useState(taskId);
  const { job, error: lookError, refresh } = useLiveJob(currentId, intervalMs);
  const { busy, error: actionError, run } = useAction();
  const callbacks = useRef({ onCompleted, onStopped });
  callbacks.current = { onCompleted, onStopped };
  const reported = useRef<string | null>(null); // the job whose end was reported
  const dismissed = useDismissed().includes(currentId);

  useEffect(() => setCurrentId(taskId), [taskId]);

  useEffect(() => {
    if (!job || !isFinished(job.status) || reported.current === job.task_id) return;
    reported.current = job.task_id;
    if (job.status === "completed") callbacks.current.onCompleted?.(job);
    else callbacks.current.onStopped?.(job);
  }, [job]);

  const status = job?.status ?? "pending";
  const running = !isFinished(status);
  const progress = status === "completed" ? 100 : Math.max(0, Math.min(100, job?.progress ?? 0));

  const cancel = () =>
    run(async () => {
      await cancelJob(currentId);
      refresh();
    });

  const retry = () =>
    run(async () => {
      const started = await retryJob(currentId);
      setCurrentId(started.task_id);
      onRetried?.(started.task_id);
    });

  if (dismissed && !running) return null;

  const stage = job?.cancel_requested && running ? "Cancelling…" : job?.stage;
  const attempts = job?.attempts && job.max_attempts && job.attempts > 1 ? ` (attempt ${job.attempts} of ${job.max_attempts})` : "";

  return (
    <section className={`job job-${status}`} data-status={status} data-task-id={currentId} aria-label={label}>
      <div className="job-head">
        <span className="job-label">{label}</span>
        <span className={`badge job-status badge-${status}`} role="status" aria-live="polite">
          {status}
        </span>
      </div>
      <ProgressBar value={progress} label={`${label} progress`} active={running} />
      <p className="job-stage">
        {stage || (running ? "Starting…" : "")}
        {attempts}
      </p>
      {status === "failed" && <Failure job={job} />}
      {lookError && <ErrorMessage message={lookError} />}
      {actionError && <ErrorMessage message={actionError} />}
      {status === "completed" && children}
      <div className="job-actions">
        {running && (
          <button type="button" className="secondary small" onClick={cancel} disabled={busy || !!job?.cancel_requested}>
            Cancel
          </button>
        )}
        {(status === "failed" || status === "cancelled") && (
          <button type="button" className="small" onClick={retry} disabled={busy}>
            Try again
          </button>
        )}
        {job && !running && (
          <button type="button" className="link-button small" onClick={() => dismissJob(currentId)} aria-label={`Dismiss: ${label}`}>
            Dismiss
          </button>
        )}
      </div>
    </section>
  );
}
