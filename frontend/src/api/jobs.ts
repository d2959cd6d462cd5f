// Background jobs. GET /api/jobs/<task_id> is the one job shape, and the status routes below
// answer it too: they find one's latest job of a kind (on an entry), e.g. after a reload.
import type { Job, JobStatus, Page, ProfileJob, ReadAloudJob, ReplyJob, TranscriptionJob } from "../types";
import { get, post } from "./client";

export const getJob = (taskId: string) => get<Job>(`/api/jobs/${encodeURIComponent(taskId)}`);

/** 200 when a pending job is cancelled at once, 202 while a running one is being stopped. */
export const cancelJob = (taskId: string) => post<Job>(`/api/jobs/${encodeURIComponent(taskId)}/cancel`);

/** A failed or cancelled job runs again as a new job, whose id is answered. */
export const retryJob = (taskId: string) =>
  post<{ task_id: string; status: JobStatus; retry_of: string | null }>(`/api/jobs/${encodeURIComponent(taskId)}/retry`);

// One's latest job of each kind; 404 with code `no_job` when there is none.
export const latestReplyJob = (nodeId: number) => get<ReplyJob>(`/api/nodes/${nodeId}/llm-status`);
export const latestTranscriptionJob = (nodeId: number) => get<TranscriptionJob>(`/api/nodes/${nodeId}/transcription-status`);
export const latestProfileJob = () => get<ProfileJob>("/api/export/profile-status");
export const latestReadAloudJob = (nodeId: number) => get<ReadAloudJob>(`/api/nodes/${nodeId}/tts-status`);

/** One's jobs, newest first (`GET /api/jobs`), of one status and kind when given. */
export const listJobs = (query: { status?: JobStatus; kind?: string; per_page?: number } = {}) =>
  get<Page<Job>>("/api/jobs", { ...query });
