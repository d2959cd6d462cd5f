// Recordings sent in chunks (docs/api.md, "Recordings sent in chunks").
import type { Privacy } from "../types";
import { del, get, post, request, withQuery } from "../api/client";

export type RecordingStatus = "open" | "finishing" | "finished" | "failed" | "discarded";

export interface Recording {
  recording_id: number;
  status: RecordingStatus;
  mime_type: string;
  parent_id: number | null;
  privacy: Privacy | null;
  ai_excluded: boolean;
  /** The chunk numbers stored, in order. */
  chunks: number[];
  /** The stored chunks that begin a stream of their own (0, and where it was continued). */
  segment_starts?: number[];
  /** Chunks 0 … next_chunk-1 are all stored. */
  next_chunk: number;
  chunk_count: number | null;
  bytes_received: number;
  received_seconds: number | null;
  node_id: number | null;
  task_id: string | null;
  created_at: string;
  limits?: { chunk_bytes: number; total_bytes: number; seconds: number };
  /** GET /api/recordings/<id> only. */
  transcript?: string;
}

export interface NewRecording {
  mime_type: string;
  parent_id?: number;
  privacy?: Privacy;
  ai_excluded?: boolean;
}

const path = (id: number) => `/api/recordings/${id}`;

export const createRecording = (body: NewRecording) => post<Recording>("/api/recordings", body);

export const getRecording = (id: number) => get<Recording>(path(id));

export const openRecordings = () =>
  get<{ items: Recording[] }>("/api/recordings", { status: "open", per_page: 100 }).then((page) => page.items);

/** `startsSegment`: the chunk begins a new stream (a recording continued by a new MediaRecorder). */
export const putChunk = (id: number, number: number, bytes: Blob, startsSegment = false) =>
  request<unknown>(
    "PUT",
    withQuery(`${path(id)}/chunks/${number}`, { starts_segment: startsSegment ? "true" : undefined }),
    bytes,
  ).then(() => undefined);

export const finishRecording = (id: number, chunkCount: number) =>
  post<{ recording_id: number; task_id: string }>(`${path(id)}/finish`, { chunk_count: chunkCount });

export const discardRecording = (id: number) => del(path(id));
