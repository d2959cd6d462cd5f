// What the page knows of each job it shows: the job, and what it has made so far (an AI reply's or
// profile's text, read-aloud or transcript parts). One follower per job, shared by every display
// of it: it loads the job once (GET /api/jobs/<task_id>, which carries the text or parts so far),
// then follows the live stream; while the stream is not open it polls instead, as before.
import { ApiError, UNREACHABLE, messageOf } from "../api/client";
import { getJob } from "../api/jobs";
import { isFinished, type Job, type JobPart } from "../types";
import { liveEvents, type EventStream, type StreamSignal } from "./events";

export interface LiveJob {
  job: Job | null;
  /** Why the last look at the job failed; cleared by the next good one. */
  error: string | null;
  /** An AI reply's or a profile's text so far. */
  text: string;
  /** Read-aloud or transcript parts so far, in order of `index`. */
  parts: JobPart[];
}

export const EMPTY: LiveJob = { job: null, error: null, text: "", parts: [] };

/** While the stream is open a running job is still looked at this often, in case an event was
 * lost (the engine publishes on a best-effort basis; the database holds the truth). */
export const LIVE_CHECK_MS = 30_000;
const MAX_BACKOFF_MS = 15_000;

/** Asking again helps when the server was out of reach, busy or broken (5xx), not when it said
 * no: the job is gone, or not yours, or you are logged out. */
function retriable(err: unknown): boolean {
  return !(err instanceof ApiError) || err.code === UNREACHABLE || err.code === "too_many_requests" || err.status >= 500;
}

/** Offsets count Unicode code points (as the server's Python does), not UTF-16 units. */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

class JobFollower {
  state: LiveJob = EMPTY;
  private readonly listeners = new Set<(state: LiveJob) => void>();
  private readonly intervals = new Map<object, number>();
  private points = 0; // length of state.text in code points
  private attempt = 0; // bumped by `restart`: what a look started before it says is old
  private jobEvents = 0; // job events received: a look that raced one of them is older
  private failures = 0;
  private gaveUp = false;
  private looking = false;
  private lookAgain = false;
  private disposed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: (() => void)[];

  constructor(
    readonly taskId: string,
    private readonly stream: EventStream,
  ) {
    this.unsubscribe = [stream.subscribe((signal) => this.receive(signal)), stream.onMode(() => this.schedule())];
    void this.look();
  }

  listen(listener: (state: LiveJob) => void, intervalMs: number): () => void {
    const token = {};
    this.listeners.add(listener);
    this.intervals.set(token, intervalMs);
    this.schedule(); // a shorter interval may apply now
    return () => {
      this.listeners.delete(listener);
      this.intervals.delete(token);
    };
  }

  get idle(): boolean {
    return this.listeners.size === 0;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.unsubscribe.forEach((off) => off());
  }

  /** Look at the job now (after an action on it, or when events may have been missed). */
  async look(): Promise<void> {
    if (this.looking) {
      this.lookAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.looking = true;
    const attempt = this.attempt;
    const jobEvents = this.jobEvents;
    try {
      const job = await getJob(this.taskId);
      if (this.disposed) return;
      this.failures = 0;
      this.gaveUp = false;
      // An event that came while the answer was on its way may be newer: it stands.
      const next = jobEvents === this.jobEvents ? this.withJob(job) : this.state;
      this.set({ ...(attempt === this.attempt ? this.withSoFar(next, job) : next), error: null });
    } catch (err) {
      if (this.disposed) return;
      this.set({ ...this.state, error: messageOf(err) });
      if (retriable(err)) this.failures += 1;
      else this.gaveUp = true;
    } finally {
      this.looking = false;
    }
    if (this.lookAgain) {
      this.lookAgain = false;
      void this.look();
    } else {
      this.schedule();
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.disposed || this.looking || this.gaveUp) return;
    const interval = this.intervals.size ? Math.min(...this.intervals.values()) : 1000;
    const job = this.state.job;
    let wait: number;
    if (this.failures) wait = Math.min(interval * 2 ** this.failures, MAX_BACKOFF_MS);
    else if (!job || isFinished(job.status)) return;
    else wait = this.stream.mode === "live" ? LIVE_CHECK_MS : interval;
    this.timer = setTimeout(() => void this.look(), wait);
  }

  private receive(signal: StreamSignal): void {
    if (signal.type === "resync" || signal.type === "reset") {
      void this.look();
      return;
    }
    if (signal.data.task_id !== this.taskId) return;
    switch (signal.type) {
      case "job":
        this.jobEvents += 1;
        this.set(this.withSoFar(this.withJob(signal.data), signal.data));
        this.schedule();
        break;
      case "text":
        this.addText(signal.data.offset, signal.data.delta);
        break;
      case "part":
        this.set(this.withPart(this.state, signal.data));
        break;
      case "restart":
        this.attempt += 1;
        this.points = 0;
        this.set({ ...this.state, text: "", parts: [] });
        break;
    }
  }

  /** A finished job stays finished: an older answer or a replayed event never undoes it. */
  private withJob(job: Job): LiveJob {
    const current = this.state.job;
    if (current && isFinished(current.status) && !isFinished(job.status)) return this.state;
    return { ...this.state, job };
  }

  /** The text or parts so far that a running job carries (GET /api/jobs; a `job` event leaves them out). */
  private withSoFar(state: LiveJob, job: Job): LiveJob {
    let next = state;
    if (job.partial_text !== undefined) {
      const points = codePoints(job.partial_text);
      if (points > this.points) {
        this.points = points;
        next = { ...next, text: job.partial_text };
      }
    }
    for (const part of job.parts ?? []) next = this.withPart(next, part);
    return next;
  }

  private withPart(state: LiveJob, part: JobPart): LiveJob {
    const same = state.parts.find((p) => p.index === part.index);
    if (same && same.url === part.url && same.text === part.text) return state;
    const parts = [...state.parts.filter((p) => p.index !== part.index), part].sort((a, b) => a.index - b.index);
    return { ...state, parts };
  }

  private addText(offset: number, delta: string): void {
    if (offset > this.points) {
      void this.look(); // a piece was missed: the text so far fills the gap
      return;
    }
    const pieces = Array.from(delta);
    const known = this.points - offset; // a piece replayed after a reconnect starts with text we have
    if (pieces.length <= known) return;
    this.points += pieces.length - known;
    this.set({ ...this.state, text: this.state.text + pieces.slice(known).join("") });
  }

  private set(state: LiveJob): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}

const followers = new Map<string, JobFollower>();

/** Follow a job: `listener` gets its state now and on every change, until the returned function
 * is called. Polls about every `intervalMs` while the stream is not open. */
export function followJob(
  taskId: string,
  listener: (state: LiveJob) => void,
  intervalMs = 1000,
  stream: EventStream = liveEvents,
): { stop: () => void; look: () => void } {
  let follower = followers.get(taskId);
  if (!follower) {
    follower = new JobFollower(taskId, stream);
    followers.set(taskId, follower);
  }
  const found = follower;
  const stopListening = found.listen(listener, intervalMs);
  listener(found.state);
  return {
    stop: () => {
      stopListening();
      if (found.idle) {
        found.dispose();
        if (followers.get(taskId) === found) followers.delete(taskId);
      }
    },
    look: () => void found.look(),
  };
}
