// The page's live-update stream, for components: its events, its mode, and a job followed live.
import { useEffect, useRef, useState } from "react";
import { liveEvents, type LiveMode, type StreamSignal } from "../live/events";
import { EMPTY, followJob, type LiveJob } from "../live/jobs";

/** Call `onEvent` for every event of the stream (and `resync` when some may have been missed). */
export function useEvents(onEvent: (signal: StreamSignal) => void): void {
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => liveEvents.subscribe((signal) => latest.current(signal)), []);
}

/** Whether the page follows the stream (`live`) or polls. */
export function useLiveMode(): LiveMode {
  const [mode, setMode] = useState(liveEvents.mode);
  useEffect(() => {
    setMode(liveEvents.mode);
    return liveEvents.onMode(setMode);
  }, []);
  return mode;
}

export interface FollowedJob extends LiveJob {
  /** Look at the job again now (after cancelling it, say). */
  refresh: () => void;
}

/**
 * A job as it is now, and what it has made so far, for as long as the component shows it:
 * loaded once, then kept up to date by the live stream (or polled about every `intervalMs` while
 * the stream is not open). Every display of the same job shares one follower. `null`: none.
 */
export function useLiveJob(taskId: string | null, intervalMs = 1000): FollowedJob {
  const [state, setState] = useState<{ taskId: string | null; job: LiveJob }>({ taskId: null, job: EMPTY });
  const look = useRef<() => void>(() => undefined);
  useEffect(() => {
    if (!taskId) return;
    const followed = followJob(taskId, (job) => setState({ taskId, job }), intervalMs);
    look.current = followed.look;
    return () => {
      look.current = () => undefined;
      followed.stop();
    };
  }, [taskId, intervalMs]);
  // Another job's state is never shown for this one, even for the render before the effect ran.
  const job = state.taskId === taskId ? state.job : EMPTY;
  return { ...job, refresh: () => look.current() };
}
