// The page's one live-update stream (GET /api/events), shared by everything that shows a job.
//
// EventSource reconnects by itself after a dropped connection, sending the id of the last event it
// saw, and the server replays what was missed. When the server refuses the stream (429: too many
// tabs, 503: no Redis, 401) EventSource gives up: it is opened again here with the last id, after
// a pause. After FAILURES_BEFORE_POLLING failures in a row the page falls back to polling
// ("polling" mode: every job display asks for its job about once a second, as before), and tries
// the stream again every RETRY_LIVE_MS. Until the stream is open the displays poll as well.
import { EVENT_TYPES, openEventStream, readEvent, type LiveEvent } from "../api/events";

/**
 * - `off`: not started (logged out);
 * - `connecting`: opening, or reopening after an error (displays poll meanwhile);
 * - `live`: the stream is open: displays follow it and stop polling;
 * - `polling`: the stream failed again and again, or cannot be used here: displays poll.
 */
export type LiveMode = "off" | "connecting" | "live" | "polling";

/** What subscribers receive: the stream's events, and `resync` when events may have been missed
 * (a stream opened without a last id starts at the newest event): load again what is shown. */
export type StreamSignal = LiveEvent | { type: "resync" };

export const FAILURES_BEFORE_POLLING = 3;
const CLOSED = 2; // EventSource.CLOSED: the browser will not reconnect by itself
export const RETRY_MS = 1000; // times the failures in a row, before polling
export const RETRY_LIVE_MS = 30_000; // how often a polling page tries the stream again

/** `?events=off` in the page's address keeps the page polling, as it did before live updates
 * (to compare the two, or to work around a proxy that breaks streams). */
export function pollingForced(): boolean {
  return new URLSearchParams(window.location.search).get("events") === "off";
}

export class EventStream {
  mode: LiveMode = "off";
  private source: EventSource | null = null;
  private lastId: string | null = null;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly listeners = new Set<(signal: StreamSignal) => void>();
  private readonly modeListeners = new Set<(mode: LiveMode) => void>();

  constructor(private readonly open: (lastId: string | null) => EventSource = openEventStream) {}

  /** Open the stream (once logged in); does nothing when it is already started. */
  start(): void {
    if (this.mode !== "off") return;
    if (pollingForced() || typeof EventSource === "undefined") {
      this.setMode("polling");
      return;
    }
    this.setMode("connecting");
    this.connect();
  }

  /** Close the stream and forget where it was (on logout: the next account starts afresh). */
  stop(): void {
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
    this.lastId = null;
    this.failures = 0;
    this.setMode("off");
  }

  subscribe(listener: (signal: StreamSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onMode(listener: (mode: LiveMode) => void): () => void {
    this.modeListeners.add(listener);
    return () => this.modeListeners.delete(listener);
  }

  private connect(): void {
    const source = this.open(this.lastId);
    this.source = source;
    source.onopen = () => {
      if (this.source !== source) return;
      this.failures = 0;
      this.setMode("live");
      // Without a last id the server starts at its newest event: what happened before is unknown.
      if (this.lastId === null) this.emit({ type: "resync" });
    };
    source.onerror = () => {
      if (this.source !== source) return;
      this.failures += 1;
      if (source.readyState === CLOSED || this.failures >= FAILURES_BEFORE_POLLING) {
        this.reopenLater(source);
      } else if (this.mode === "live") {
        this.setMode("connecting"); // the browser reconnects by itself, with the last id
      }
    };
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        if (this.source !== source) return;
        const event = readEvent(type, message as MessageEvent);
        if (!event) return;
        if (event.id) this.lastId = event.id;
        this.emit(event);
      });
    }
  }

  private reopenLater(source: EventSource): void {
    source.close();
    this.source = null;
    const polling = this.failures >= FAILURES_BEFORE_POLLING;
    this.setMode(polling ? "polling" : "connecting");
    this.timer = setTimeout(() => this.connect(), polling ? RETRY_LIVE_MS : RETRY_MS * this.failures);
  }

  private setMode(mode: LiveMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    for (const listener of [...this.modeListeners]) listener(mode);
  }

  private emit(signal: StreamSignal): void {
    for (const listener of [...this.listeners]) listener(signal);
  }
}

/** The page's stream: App starts it once logged in and stops it on logout. */
export const liveEvents = new EventStream();
