// Live updates: GET /api/events, a Server-Sent Events stream of everything that happens to one's
// jobs (docs/api.md, "Live updates"). src/live/events.ts keeps the one stream a page holds.
import type { Job, JobPart, TextPiece } from "../types";
import { withQuery } from "./client";

/** What the stream sends; `id` is the event's id, to resume after. */
export type LiveEvent =
  | { type: "job"; id: string; data: Job }
  | { type: "text"; id: string; data: TextPiece }
  | { type: "part"; id: string; data: JobPart }
  /** A retried attempt starts again: drop the text and parts kept for this job. */
  | { type: "restart"; id: string; data: { task_id: string } }
  /** The events after one's last id are no longer kept: load again what is shown. */
  | { type: "reset"; id: string; data: Record<string, never> };

export const EVENT_TYPES: readonly LiveEvent["type"][] = ["job", "text", "part", "restart", "reset"];

/** Open the stream, replaying what came after `lastId` (EventSource itself sends the last id it
 * saw when it reconnects on its own; this is for a stream opened anew). */
export function openEventStream(lastId: string | null): EventSource {
  return new EventSource(withQuery("/api/events", { last_event_id: lastId ?? undefined }), { withCredentials: true });
}

/** One received message as a LiveEvent; null when it cannot be read. */
export function readEvent(type: LiveEvent["type"], message: MessageEvent): LiveEvent | null {
  try {
    return { type, id: message.lastEventId, data: JSON.parse(message.data as string) } as LiveEvent;
  } catch {
    return null;
  }
}
