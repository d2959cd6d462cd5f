// An entry read aloud, through the app's one player: its parts one after another as the speech job
// makes them (part 1 while part 2 is being spoken), then the joined file once the job made it.
// The queue belongs to the player, not to the page that asked for it: once its parts play, they go
// on after that page is gone, the queue following the job until it is done. Whenever the player is
// not playing a part (before the first play, paused, or after the last part), it holds the joined
// file instead, at the same point, so later plays and seeking use the whole. Another page's audio
// is never interrupted unless the person asked for this one.
import { followJob, type LiveJob } from "../live/jobs";
import { isFinished, type JobPart } from "../types";
import type { AudioPlayer, Track } from "./player";

export const READ_ALOUD_LABEL = "Entry read aloud";

/** What there is to play: the audio parts made so far (in order), how many there will be once
 * known, the joined file once made, and whether the job is over (nothing more will come). */
export interface Speech {
  parts: JobPart[];
  count: number | null;
  wholeUrl: string | null;
  over: boolean;
}

const NOTHING_YET: Speech = { parts: [], count: null, wholeUrl: null, over: false };

/** What a read-aloud job has made so far. */
export function speechOf({ job, parts }: LiveJob): Speech {
  if (job?.kind !== "tts") return NOTHING_YET;
  const audio = parts.filter((p) => p.url);
  return {
    parts: audio,
    count: audio[0]?.count ?? job.result?.parts ?? null,
    wholeUrl: job.status === "completed" ? (job.result?.tts_url ?? null) : null,
    over: isFinished(job.status),
  };
}

export type Holding = { kind: "none" } | { kind: "part"; index: number } | { kind: "whole" };

/** What a page shows of the queue. */
export interface SpeechView {
  holding: Holding;
  count: number | null;
  /** Parts made so far. */
  made: number;
}

/** Where the audio comes from: a read-aloud job (its parts as they are made) or a file made before. */
export type SpeechSource = { taskId: string } | { wholeUrl: string };

/** Follows a job: `listener` gets its state now and on every change, until the returned stop. */
export type FollowJob = (taskId: string, listener: (state: LiveJob) => void) => () => void;

const followLive: FollowJob = (taskId, listener) => followJob(taskId, listener).stop;

export class SpeechQueue {
  view: SpeechView = { holding: { kind: "none" }, count: null, made: 0 };
  private speech: Speech = NOTHING_YET;
  private autoPlay = false;
  // What the player held when the person asked to hear this: until its first audio exists the
  // queue waits for it, even with no page left, unless something else is put in the player.
  private askedOver: Track | null | undefined = undefined;
  private waiting = false; // a part ended before the next one was made
  private track: Track | null = null; // the last track this queue put in the player
  private pages = 0; // pages showing this audio now
  private disposed = false;
  private stopFollowing: (() => void) | null = null;
  private readonly offPlayer: (() => void)[];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly player: AudioPlayer,
    readonly trackId: string,
    private readonly title: string,
    source: SpeechSource,
    private readonly onDisposed: () => void = () => undefined,
    follow: FollowJob = followLive,
  ) {
    this.offPlayer = [
      player.onMedia("ended", () => this.ended()),
      player.onMedia("pause", () => this.reconcile()),
      player.subscribe(() => this.disposeIfUnused()),
    ];
    if ("wholeUrl" in source) {
      this.speech = { ...NOTHING_YET, wholeUrl: source.wholeUrl, over: true };
      return;
    }
    let over = false;
    const stop = follow(source.taskId, (state) => {
      this.update(speechOf(state));
      over = this.speech.over;
      if (over) this.stopFollowing?.(); // nothing more will come
    });
    this.stopFollowing = () => {
      stop();
      this.stopFollowing = null;
    };
    if (over) this.stopFollowing();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): SpeechView => this.view;

  /** A page shows this audio until the returned function is called. */
  show(): () => void {
    this.pages += 1;
    this.reconcile();
    let shown = true;
    return () => {
      if (!shown) return;
      shown = false;
      this.pages -= 1;
      this.disposeIfUnused();
    };
  }

  /** The person asked to hear it: play as soon as there is something to play, even over another
   * page's audio. */
  ask(): void {
    this.autoPlay = true;
    if (this.view.holding.kind === "none") this.askedOver = this.player.state.track;
    const el = this.player.element;
    if (!el || this.view.holding.kind === "none") {
      this.reconcile();
    } else if (!this.owns()) {
      // Asked again while the player holds something else: start again from the beginning.
      this.emit({ kind: "none" });
      this.reconcile();
    } else if (el.paused && el.currentTime === 0) {
      this.player.play(); // standing still before its first play
    }
  }

  /** The job made more (or finished). */
  update(speech: Speech): void {
    this.speech = speech;
    this.emit();
    this.reconcile();
    if (this.askedOver !== undefined) this.disposeIfUnused(); // asked, page left, job ended with nothing
  }

  /** Asked to be heard, nothing of it in the player yet, and nothing else put in since. */
  private awaitedFirst(): boolean {
    return (
      this.askedOver !== undefined &&
      this.view.holding.kind === "none" &&
      (!this.speech.over || this.speech.wholeUrl !== null) &&
      this.player.state.track === this.askedOver
    );
  }

  /** The player holds this queue's audio (not something put in it since). */
  private owns(): boolean {
    return this.track !== null && this.player.state.track === this.track;
  }

  private hold(next: Holding, url: string, play: boolean, at = 0): void {
    if (!play && !this.owns() && !this.player.idle) return; // someone listens to something else
    this.emit(next);
    const part = next.kind === "part" ? next.index : undefined;
    this.track = { id: this.trackId, src: url, title: this.title, label: READ_ALOUD_LABEL, part };
    this.player.load(this.track, { play, at });
  }

  /** Seconds of audio before part `index`. */
  private before(index: number): number {
    return this.speech.parts.filter((p) => p.index < index).reduce((sum, p) => sum + (p.seconds ?? 0), 0);
  }

  /** Make the player hold what it should, now that something changed. */
  private reconcile(): void {
    const el = this.player.element;
    if (!el) return;
    const { parts, count, wholeUrl } = this.speech;
    const part = (index: number) => parts.find((p) => p.index === index && p.url);
    const now = this.view.holding;
    if (now.kind === "none") {
      // Put in the player only while a page shows it or its first audio is awaited (asked for,
      // then the page was left); once in, it plays on without the page.
      if (!this.pages && !this.awaitedFirst()) return;
      const first = part(1);
      if (wholeUrl) this.hold({ kind: "whole" }, wholeUrl, this.autoPlay);
      else if (first?.url) this.hold({ kind: "part", index: 1 }, first.url, this.autoPlay);
      return;
    }
    if (now.kind !== "part" || !this.owns()) return;
    const next = part(now.index + 1);
    if (this.waiting) {
      if (next?.url) {
        this.waiting = false;
        this.hold({ kind: "part", index: now.index + 1 }, next.url, true);
      } else if (wholeUrl) {
        this.waiting = false; // the parts left were not seen (a poll that found the job done)
        this.hold({ kind: "whole" }, wholeUrl, true, this.before(now.index + 1));
      }
      return;
    }
    if (!wholeUrl) return;
    if (el.ended && count !== null && now.index >= count) this.hold({ kind: "whole" }, wholeUrl, false);
    else if (el.paused && !el.ended) this.hold({ kind: "whole" }, wholeUrl, false, this.before(now.index) + el.currentTime);
  }

  private ended(): void {
    const now = this.view.holding;
    if (now.kind !== "part" || !this.owns()) return;
    const { count } = this.speech;
    this.waiting = count === null || now.index < count;
    this.reconcile();
  }

  private emit(holding = this.view.holding): void {
    const { count, parts } = this.speech;
    const view = this.view;
    if (view.holding === holding && view.count === count && view.made === parts.length) return;
    this.view = { holding, count, made: parts.length };
    for (const listener of [...this.listeners]) listener();
  }

  /** No page shows it, its first audio is not awaited, and the player holds something else:
   * nothing is left for it to do. */
  private disposeIfUnused(): void {
    if (this.disposed || this.pages > 0 || this.owns() || this.awaitedFirst()) return;
    this.disposed = true;
    this.stopFollowing?.();
    this.offPlayer.forEach((off) => off());
    this.listeners.clear();
    this.onDisposed();
  }
}

const queues = new Map<string, SpeechQueue>();

/** The queue of this audio: the one already going (a page shown again finds it), or a new one. */
export function speechQueue(player: AudioPlayer, trackId: string, title: string, source: SpeechSource): SpeechQueue {
  const key = `${trackId} ${"taskId" in source ? `task:${source.taskId}` : `file:${source.wholeUrl}`}`;
  const found = queues.get(key);
  if (found) return found;
  const queue = new SpeechQueue(player, trackId, title, source, () => {
    if (queues.get(key) === queue) queues.delete(key);
  });
  queues.set(key, queue);
  return queue;
}
