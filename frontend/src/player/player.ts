// The app's one audio player. A single <audio> element (rendered by PlayerBar, which App keeps
// mounted whatever the page) plays every voice entry and every text read aloud, so playback goes
// on across page changes. This module holds its state for React (`usePlayer`) and drives the
// browser's media session (lock screen and headset controls).

export interface Track {
  /** What is playing, e.g. `node:12` or `tts:<task_id>`: a component knows its own track by it. */
  id: string;
  src: string;
  title: string;
  artist?: string;
  /** The audio element's accessible name while it holds this track. */
  label: string;
  /** Seconds as the server measured them: used when the file itself does not say (a recording
   * streamed by MediaRecorder carries no duration). */
  seconds?: number | null;
  /** Which part of a text read aloud, while parts are played one by one. */
  part?: number;
}

export interface PlayerState {
  track: Track | null;
  playing: boolean;
  currentTime: number;
  /** The real length in seconds, once known. */
  duration: number | null;
  rate: number;
  error: string | null;
}

export const RATES = [0.75, 1, 1.25, 1.5, 1.75, 2] as const;
const SKIP_SECONDS = 10;
const RATE_KEY = "wop:playback-rate";

function savedRate(): number {
  const stored = Number(localStorage.getItem(RATE_KEY));
  return (RATES as readonly number[]).includes(stored) ? stored : 1;
}

export class AudioPlayer {
  private el: HTMLAudioElement | null = null;
  private listeners = new Set<() => void>();
  private mediaHandlers = new Map<MediaHandled, Set<() => void>>();
  state: PlayerState = { track: null, playing: false, currentTime: 0, duration: null, rate: savedRate(), error: null };

  get element(): HTMLAudioElement | null {
    return this.el;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): PlayerState => this.state;

  /** Call `handler` on every `type` event of the player's element, whichever element it has then
   * (after the player's own state has followed the event). */
  onMedia(type: MediaHandled, handler: () => void): () => void {
    const handlers = this.mediaHandlers.get(type) ?? new Set<() => void>();
    this.mediaHandlers.set(type, handlers);
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  /** Nothing is playing: a page may put its own audio in the player without interrupting anyone. */
  get idle(): boolean {
    return !this.state.playing;
  }

  /** Give the player its element (and take it away with `null`). */
  attach(el: HTMLAudioElement | null): void {
    if (this.el === el) return;
    this.el?.removeEventListener("error", this.failed);
    for (const type of MEDIA_EVENTS) this.el?.removeEventListener(type, this.sync);
    for (const type of HANDLED) this.el?.removeEventListener(type, this.handled);
    this.el = el;
    if (!el) return;
    for (const type of MEDIA_EVENTS) el.addEventListener(type, this.sync);
    for (const type of HANDLED) el.addEventListener(type, this.handled);
    el.addEventListener("error", this.failed);
    el.defaultPlaybackRate = this.state.rate;
    el.playbackRate = this.state.rate;
    this.bindMediaSession();
  }

  /** Put a track in the player, from `at` seconds, and play it unless `play` is false. */
  load(track: Track, { play = true, at = 0 }: { play?: boolean; at?: number } = {}): void {
    const el = this.el;
    if (!el) return;
    const sameFile = this.state.track?.src === track.src;
    this.set({ track, error: null, ...(sameFile ? {} : { currentTime: at, duration: track.seconds ?? null }) });
    if (!sameFile) {
      // A media fragment starts the file at `at` as soon as it can play.
      el.src = at > 0.05 ? `${track.src}#t=${at.toFixed(2)}` : track.src;
      el.playbackRate = this.state.rate; // loading a file resets it to the default rate
    }
    this.describe(track);
    if (play) this.play();
  }

  play(): void {
    this.el?.play().catch(() => this.sync()); // refused (no click on this page yet): stays paused
  }

  pause(): void {
    this.el?.pause();
  }

  toggle(): void {
    if (this.el?.paused) this.play();
    else this.pause();
  }

  seek(seconds: number): void {
    const el = this.el;
    if (!el || !Number.isFinite(seconds)) return;
    const end = this.state.duration ?? Infinity;
    el.currentTime = Math.max(0, Math.min(seconds, end));
    this.sync();
  }

  skip(seconds: number): void {
    this.seek((this.el?.currentTime ?? 0) + seconds);
  }

  setRate(rate: number): void {
    if (!(RATES as readonly number[]).includes(rate)) return;
    localStorage.setItem(RATE_KEY, String(rate));
    if (this.el) {
      this.el.defaultPlaybackRate = rate;
      this.el.playbackRate = rate;
    }
    this.set({ rate });
  }

  /** Stop and empty the player. */
  close(): void {
    const el = this.el;
    if (el) {
      el.pause();
      el.removeAttribute("src");
      el.load();
    }
    this.set({ track: null, playing: false, currentTime: 0, duration: null, error: null });
    if (hasMediaSession()) navigator.mediaSession.metadata = null;
  }

  private set(change: Partial<PlayerState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }

  /** Read the element's state after any of its events. */
  private sync = (): void => {
    const el = this.el;
    if (!el || !this.state.track) return;
    const known = Number.isFinite(el.duration) && el.duration > 0 ? el.duration : null;
    const duration = known ?? this.state.track.seconds ?? null;
    this.set({ playing: !el.paused && !el.ended, currentTime: el.currentTime, duration, rate: this.state.rate });
    this.reportPosition();
  };

  private handled = (event: Event): void => {
    for (const handler of [...(this.mediaHandlers.get(event.type as MediaHandled) ?? [])]) handler();
  };

  private failed = (): void => {
    if (!this.state.track) return;
    this.set({ playing: false, error: "This audio could not be played. Try again later." });
  };

  private describe(track: Track): void {
    if (!hasMediaSession() || typeof MediaMetadata === "undefined") return;
    navigator.mediaSession.metadata = new MediaMetadata({ title: track.title, artist: track.artist ?? "Write or Perish", album: "Write or Perish" });
  }

  private reportPosition(): void {
    if (!hasMediaSession()) return;
    navigator.mediaSession.playbackState = this.state.playing ? "playing" : "paused";
    const { duration, currentTime, rate } = this.state;
    if (duration === null || !navigator.mediaSession.setPositionState) return;
    try {
      navigator.mediaSession.setPositionState({ duration, position: Math.min(currentTime, duration), playbackRate: rate });
    } catch {
      // A position the browser finds inconsistent (mid-load) is left for the next event.
    }
  }

  private bindMediaSession(): void {
    if (!hasMediaSession()) return;
    const handlers: [MediaSessionAction, MediaSessionActionHandler][] = [
      ["play", () => this.play()],
      ["pause", () => this.pause()],
      ["stop", () => this.close()],
      ["seekto", (details) => details.seekTime !== undefined && this.seek(details.seekTime)],
      ["seekbackward", (details) => this.skip(-(details.seekOffset ?? SKIP_SECONDS))],
      ["seekforward", (details) => this.skip(details.seekOffset ?? SKIP_SECONDS)],
    ];
    for (const [action, handler] of handlers) {
      try {
        navigator.mediaSession.setActionHandler(action, handler);
      } catch {
        // This browser does not offer that action.
      }
    }
  }
}

/** The element's events others may follow (`onMedia`). */
const HANDLED = ["ended", "pause"] as const;
type MediaHandled = (typeof HANDLED)[number];

const MEDIA_EVENTS = ["play", "playing", "pause", "ended", "timeupdate", "durationchange", "loadedmetadata", "seeked", "emptied"] as const;

function hasMediaSession(): boolean {
  return typeof navigator !== "undefined" && "mediaSession" in navigator && !!navigator.mediaSession;
}

/** The page's player. */
export const player = new AudioPlayer();
