// Live progress of one background job: polls GET /api/jobs/<task_id> about every second and shows the
// status, stage and a progress bar, with Cancel while it runs. A failed job shows its `error`
// (worded for the writer) with "Try again"; the operator's `error_detail`, which the API sends to
// administrators only, stays folded away under a disclosure.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError, UNREACHABLE, messageOf } from "../api/client";
import { cancelJob, getJob, retryJob } from "../api/jobs";
import { useAction } from "../hooks/useAction";
import { isFinished, type Job } from "../types";
import ErrorMessage from "./ErrorMessage";
import ProgressBar from "./ProgressBar";

interface Props {
  taskId: string;
  /** What the job does, e.g. "AI reply", "Transcription". */
  label: string;
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

/** Polling again helps when the server was out of reach, busy or broken (5xx), not when it said
 * no: the job is gone, or not yours, or you are logged out. */
function retriable(err: ApiError): boolean {
  return err.code === UNREACHABLE || err.code === "too_many_requests" || err.status >= 500;
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
  const [job, setJob] = useState<Job | null>(null);
  const [pollError, setPollError] = useState<string | null>(null);
  const { busy, error: actionError, run } = useAction();
  const [tick, setTick] = useState(0); // bumps to poll at once after an action
  const callbacks = useRef({ onCompleted, onStopped });
  callbacks.current = { onCompleted, onStopped };

  useEffect(() => setCurrentId(taskId), [taskId]);

  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    let failures = 0;
    const poll = async () => {
      try {
        const data = await getJob(currentId);
        if (!live) return;
        failures = 0;
        setJob(data);
        setPollError(null);
        if (isFinished(data.status)) {
          if (data.status === "completed") callbacks.current.onCompleted?.(data);
          else callbacks.current.onStopped?.(data);
          return;
        }
      } catch (err) {
        if (!live) return;
        setPollError(messageOf(err));
        if (err instanceof ApiError && !retriable(err)) return; // asking again will not help
        failures += 1;
      }
      const wait = failures ? Math.min(intervalMs * 2 ** failures, 15000) : intervalMs;
      timer = window.setTimeout(poll, wait);
    };
    poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [currentId, intervalMs, tick]);

  const status = job?.status ?? "pending";
  const running = !isFinished(status);
  const progress = status === "completed" ? 100 : Math.max(0, Math.min(100, job?.progress ?? 0));

  const cancel = () =>
    run(async () => {
      await cancelJob(currentId);
      setTick((t) => t + 1);
    });

  const retry = () =>
    run(async () => {
      const started = await retryJob(currentId);
      setJob(null);
      setCurrentId(started.task_id);
      onRetried?.(started.task_id);
    });

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
      {pollError && <ErrorMessage message={pollError} />}
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
      </div>
    </section>
  );
}
