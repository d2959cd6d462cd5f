// The running system, for administrators: queues, job kinds over 24 h, workers, Redis, and
// pausing a queue for maintenance.
import { get, post } from "./client";

export interface QueueState {
  name: string;
  waiting: number;
  running: number;
  failed_24h: number;
  messages: number | null;
  paused: boolean;
}

export interface KindStats {
  kind: string;
  completed: number;
  failed: number;
  cancelled: number;
  success_rate: number | null;
  median_seconds: number | null;
  p95_seconds: number | null;
}

export interface WorkerState {
  name: string;
  queues: string[];
  current_jobs: { id: string; kind: string }[];
  processes: number;
  memory_bytes: number | null;
  max_rss_bytes: number | null;
}

export interface Operations {
  queues: QueueState[];
  kinds: KindStats[];
  workers: { ok: boolean; error?: string; list: WorkerState[] };
  redis: {
    ok: boolean;
    error?: string;
    used_memory_bytes?: number;
    maxmemory_bytes?: number | null;
    maxmemory_policy?: string;
  };
  oldest_pending: { id: string; kind: string; queue: string; age_seconds: number } | null;
}

export const getOperations = () => get<Operations>("/api/admin/operations");

export const setQueuePaused = (name: string, paused: boolean) =>
  post<{ queue: string; paused: boolean }>(`/api/admin/queues/${encodeURIComponent(name)}/${paused ? "pause" : "resume"}`);
