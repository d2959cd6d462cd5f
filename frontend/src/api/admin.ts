// Administration: accounts, every job with its error detail, and the state of the workers.
import type { Job, Page, User } from "../types";
import { ApiError, get, post } from "./client";

export const listUsers = () => get<Page<User>>("/api/admin/users?per_page=500");

type UserAction = "approve" | "deactivate" | "reactivate";

export const changeUser = (id: number, action: UserAction) => post<{ user: User }>(`/api/admin/users/${id}/${action}`).then((a) => a.user);

export const failedJobs = () => get<Page<Job>>("/api/admin/jobs?status=failed&per_page=20");

export interface Readiness {
  status: "ready" | "unavailable";
  checks?: {
    database?: { ok: boolean; error?: string };
    redis?: { ok: boolean; error?: string };
    workers?: { ok: boolean; error?: string; workers?: Record<string, string[]> };
  };
  queues?: Record<string, number>;
}

/** The server's readiness; a 503 still carries the checks, which say what is missing. */
export const getReadiness = () =>
  get<Readiness>("/api/ready").catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 503) return err.body as unknown as Readiness;
    throw err;
  });
