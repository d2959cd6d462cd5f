// Jobs as the API answers them, for tests.
import type { Job, JobStatus, ReplyJob } from "../types";

export function replyJob(status: JobStatus, more: Partial<ReplyJob> = {}): Job {
  return {
    task_id: "task-1",
    kind: "llm_reply",
    status,
    progress: status === "completed" ? 100 : 40,
    stage: status === "processing" ? "Asking the model" : null,
    error: null,
    attempts: 1,
    max_attempts: 3,
    node_id: 7,
    params: { model: "test-gpt" },
    result: null,
    queue: "llm",
    retry_of: null,
    cancel_requested: false,
    created_at: "2025-01-01T10:00:00",
    started_at: null,
    heartbeat_at: null,
    finished_at: null,
    ...more,
  };
}
