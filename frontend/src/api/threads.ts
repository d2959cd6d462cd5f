// Threads: one read as a conversation, and one's journal grouped by thread.
import type { Conversation, Page, PageQuery, ThreadCard } from "../types";
import { get } from "./client";

export interface ThreadQuery {
  /** How many entries of the path, counted from the entry up (the server's default: 50). */
  limit?: number;
  /** An entry of the path: the part just above it (the answer's `earlier`). */
  before?: number;
}

export const getThread = (id: number, query: ThreadQuery = {}) => get<Conversation>(`/api/nodes/${id}/thread`, { ...query });

/** One card per thread holding an entry of yours, newest activity first. */
export const getMyThreads = (query: PageQuery = {}) => get<Page<ThreadCard>>("/api/threads", { ...query });

/** A writer's public threads, one card each, newest activity first; readable without logging in. */
export const getWriterThreads = (username: string, query: PageQuery = {}) =>
  get<Page<ThreadCard>>(`/api/users/${encodeURIComponent(username)}/threads`, { ...query });
