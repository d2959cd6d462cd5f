// One's running jobs and those that failed recently, for the jobs menu: loaded from GET /api/jobs,
// then kept current by the page's live stream (every `job` event moves a job where it belongs),
// and loaded again whenever the stream may have missed something or is not open.
import { useCallback, useEffect, useRef, useState } from "react";
import { listJobs } from "../api/jobs";
import { messageOf } from "../api/client";
import { useEvents, useLiveMode } from "../hooks/useEvents";
import { isFinished, type Job } from "../types";

/** The kinds a person asks for; the recorder's helpers (`recording_cut`, `recording_piece`) are
 * steps of a recording, not jobs of their own. */
export const SHOWN_KINDS = ["llm_reply", "tts", "transcription", "recording_finish", "profile", "export_threads"];
/** A failure older than this is no longer news. */
export const RECENT_MS = 24 * 60 * 60 * 1000;
export const FAILED_SHOWN = 5;
const POLL_MS = 10_000;

export interface MyJobs {
  running: Job[];
  failed: Job[];
}

export const NO_JOBS: MyJobs = { running: [], failed: [] };

function recent(job: Job, now: number): boolean {
  const at = Date.parse(job.finished_at ?? job.created_at ?? "");
  return Number.isNaN(at) || now - at < RECENT_MS;
}

const newestFirst = (a: Job, b: Job) => (b.created_at ?? "").localeCompare(a.created_at ?? "");

/** Where a job belongs now that it is in this state: running, failed (recently), or neither. */
export function applyJob(jobs: MyJobs, job: Job, now = Date.now()): MyJobs {
  if (!SHOWN_KINDS.includes(job.kind)) return jobs;
  const running = jobs.running.filter((j) => j.task_id !== job.task_id);
  const failed = jobs.failed.filter((j) => j.task_id !== job.task_id);
  if (!isFinished(job.status)) running.push(job);
  else if (job.status === "failed" && recent(job, now)) failed.push(job);
  return { running: running.sort(newestFirst), failed: failed.sort(newestFirst).slice(0, FAILED_SHOWN) };
}

export async function loadMyJobs(now = Date.now()): Promise<MyJobs> {
  const [pending, processing, failed] = await Promise.all([
    listJobs({ status: "pending", per_page: 50 }),
    listJobs({ status: "processing", per_page: 50 }),
    listJobs({ status: "failed", per_page: 20 }),
  ]);
  return [...pending.items, ...processing.items, ...failed.items].reduce((jobs, job) => applyJob(jobs, job, now), NO_JOBS);
}

export function useMyJobs(): { jobs: MyJobs; error: string | null; reload: () => void } {
  const [jobs, setJobs] = useState<MyJobs>(NO_JOBS);
  const [error, setError] = useState<string | null>(null);
  const mode = useLiveMode();
  // The job events heard while each load is on its way: they are newer than what it answers, so
  // a load that finishes after a job was cancelled does not bring it back as running.
  const loading = useRef(new Set<Map<string, Job>>());
  // A finished job stays finished: an older event (the cancel route's "cancelling", sent after
  // the worker had already stopped) or an older load never brings it back as running.
  const finished = useRef(new Set<string>());
  const current = (job: Job) => isFinished(job.status) || !finished.current.has(job.task_id);

  const reload = useCallback(() => {
    const heard = new Map<string, Job>();
    loading.current.add(heard);
    loadMyJobs()
      .then(
        (loaded) => {
          const fresh = { running: loaded.running.filter(current), failed: loaded.failed };
          setJobs([...heard.values()].reduce((jobs, job) => applyJob(jobs, job), fresh));
          setError(null);
        },
        (err) => setError(messageOf(err)),
      )
      .finally(() => loading.current.delete(heard));
  }, []);

  useEffect(reload, [reload]);

  useEvents((signal) => {
    if (signal.type === "job") {
      const job = signal.data;
      if (!current(job)) return;
      if (isFinished(job.status)) finished.current.add(job.task_id);
      for (const heard of loading.current) heard.set(job.task_id, job);
      setJobs((now) => applyJob(now, job));
    } else if (signal.type === "reset" || signal.type === "resync") reload();
  });

  // Without the stream, look again now and then.
  useEffect(() => {
    if (mode === "live") return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [mode, reload]);

  return { jobs, error, reload };
}
