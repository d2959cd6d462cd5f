// Sends a recording's stored chunks, in order, one at a time. A failure the network or a busy
// server explains is tried again after a growing pause (and at once when the browser is back
// online); a refusal (4xx) stops the queue with its message.
import { ApiError, UNREACHABLE, messageOf } from "../api/client";
import { chunksOf, markUploaded } from "./store";

export type Send = (recordingId: number, number: number, bytes: Blob, startsSegment: boolean) => Promise<void>;

export const FIRST_PAUSE_MS = 1000;
export const LONGEST_PAUSE_MS = 15_000;

function worthRetrying(err: unknown): boolean {
  return !(err instanceof ApiError) || err.code === UNREACHABLE || err.status === 429 || err.status >= 500;
}

export interface QueueState {
  /** Chunks stored here that the server does not have yet. */
  waiting: number;
  /** Why the last send failed (cleared by the next good one). */
  error: string | null;
  /** A refusal: the queue stopped. */
  refused: boolean;
}

export class UploadQueue {
  private running: Promise<void> | null = null;
  private again = false;
  private pause = FIRST_PAUSE_MS;
  private wake: (() => void) | null = null;
  private stopped = false;
  state: QueueState = { waiting: 0, error: null, refused: false };

  constructor(
    readonly recordingId: number,
    private readonly send: Send,
    private readonly onState: (state: QueueState) => void = () => undefined,
    private readonly sleep: (ms: number, wake: (resolve: () => void) => void) => Promise<void> = defaultSleep,
  ) {
    if (typeof window !== "undefined") window.addEventListener("online", this.online);
  }

  /** Send whatever is stored and not sent yet; resolves once nothing is left (or it was refused). */
  drain(): Promise<void> {
    this.again = true;
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stop trying (the recording was finished elsewhere, discarded, or the page leaves it). */
  close(): void {
    this.stopped = true;
    this.wake?.();
    if (typeof window !== "undefined") window.removeEventListener("online", this.online);
  }

  private readonly online = () => {
    this.pause = FIRST_PAUSE_MS;
    this.wake?.();
  };

  private setState(change: Partial<QueueState>): void {
    this.state = { ...this.state, ...change };
    this.onState(this.state);
  }

  private async run(): Promise<void> {
    while (this.again && !this.stopped) {
      this.again = false;
      const waiting = (await chunksOf(this.recordingId)).filter((c) => !c.uploaded);
      this.setState({ waiting: waiting.length });
      for (const chunk of waiting) {
        if (this.stopped) return;
        for (;;) {
          try {
            await this.send(this.recordingId, chunk.number, chunk.bytes, chunk.startsSegment ?? false);
            await markUploaded(this.recordingId, chunk.number);
            this.pause = FIRST_PAUSE_MS;
            this.setState({ waiting: this.state.waiting - 1, error: null });
            break;
          } catch (err) {
            if (!worthRetrying(err)) {
              this.setState({ error: messageOf(err), refused: true });
              this.stopped = true;
              return;
            }
            this.setState({ error: messageOf(err) });
            await this.sleep(this.pause, (resolve) => (this.wake = resolve));
            this.wake = null;
            this.pause = Math.min(this.pause * 2, LONGEST_PAUSE_MS);
            if (this.stopped) return;
          }
        }
      }
    }
  }
}

function defaultSleep(ms: number, wake: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
