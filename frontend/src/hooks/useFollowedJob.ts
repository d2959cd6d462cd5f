import { useEffect, useRef, useState } from "react";
import type { Job, JobStatus } from "../types";
import { useEvents } from "./useEvents";

/** Statuses of a job that still wants its writer's attention: running, or failed (to try again). */
export const UNSETTLED: readonly JobStatus[] = ["pending", "processing", "failed"];

/**
 * The job a panel follows: one it started (set it), or else one's latest job of its kind, found
 * by `find` (a status route) when `key` changes, if its status is one of `resume`: so a job
 * started before a reload, or in another tab, is shown again. A `key` of null looks for none.
 * When the followed job is tried again anywhere, its retry is followed instead.
 */
export function useFollowedJob(
  find: () => Promise<Job>,
  key: unknown,
  resume: readonly JobStatus[] = UNSETTLED,
): [string | null, (taskId: string | null) => void] {
  const [taskId, setTaskId] = useState<string | null>(null);
  const latest = useRef({ find, resume });
  latest.current = { find, resume };

  useEffect(() => {
    let live = true;
    setTaskId(null); // another entry's job is not this one's
    if (key === null) return;
    latest.current.find().then(
      (job) => {
        if (live && latest.current.resume.includes(job.status)) setTaskId((started) => started ?? job.task_id);
      },
      () => undefined, // none yet (404 `no_job`); nothing to show either way
    );
    return () => {
      live = false;
    };
  }, [key]);

  // Tried again elsewhere (the jobs menu, another tab): the panel follows the new attempt.
  useEvents((signal) => {
    if (signal.type === "job" && signal.data.retry_of !== null && signal.data.retry_of === taskId) {
      setTaskId(signal.data.task_id);
    }
  });

  return [taskId, setTaskId];
}
