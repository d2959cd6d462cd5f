// Entries ("nodes"): read, write, edit, delete, and the jobs started on one entry.
import type { NodeDetail, Page, Privacy, RepliesPage, Started, VoiceNode } from "../types";
import { del, get, post, put, request } from "./client";

export interface NewEntry {
  content: string;
  /** A reply takes its parent's privacy; a new thread the server's default unless given. */
  parent_id?: number;
  privacy?: Privacy;
  ai_excluded?: boolean;
}

export interface EntryChange {
  content?: string;
  privacy?: Privacy;
  ai_excluded?: boolean;
}

export interface NewRecording {
  audio: Blob;
  filename: string;
  parentId?: number;
  privacy?: Privacy;
  aiExcluded?: boolean;
}

/** Read-aloud answers the audio at once when it exists for the current text, else a job. */
export type ReadAloudStart = { ready: true; tts_url: string } | { ready: false; task_id: string };

const path = (id: number) => `/api/nodes/${id}`;

export const getNode = (id: number) => get<NodeDetail>(path(id));

/** The entry's replies after the reply `after` (the entry's `children_next`, then each page's `next`). */
export const getReplies = (id: number, after: number) => get<RepliesPage>(`${path(id)}/children`, { after });

export const createNode = (entry: NewEntry) => post<NodeDetail>("/api/nodes/", entry);

/** Upload a recording (multipart `audio_file`); the answer carries the transcription job. */
export function createVoiceNode({ audio, filename, parentId, privacy, aiExcluded }: NewRecording): Promise<VoiceNode> {
  const form = new FormData();
  form.append("audio_file", audio, filename);
  if (parentId !== undefined) form.append("parent_id", String(parentId));
  if (privacy) form.append("privacy", privacy);
  if (aiExcluded) form.append("ai_excluded", "true");
  return post<VoiceNode>("/api/nodes/", form);
}

export const updateNode = (id: number, change: EntryChange) => put<NodeDetail>(path(id), change);

export const deleteNode = (id: number) => del(path(id));

/** Ask an AI model (the server's default when none is named) to reply to the entry. */
export const askAI = (id: number, model?: string) => post<Started & { node_id: number; model: string }>(`${path(id)}/llm`, model ? { model } : {});

export async function readAloud(id: number): Promise<ReadAloudStart> {
  const answer = await request<{ tts_url?: string; task_id?: string }>("POST", `${path(id)}/tts`, {});
  if (answer.data.tts_url) return { ready: true, tts_url: answer.data.tts_url };
  if (answer.data.task_id) return { ready: false, task_id: answer.data.task_id };
  throw new Error("The server answered read-aloud with neither audio nor a job.");
}

/** An earlier text of an entry, kept when it was edited or restored over. */
export interface EntryVersion {
  id: number;
  node_id: number;
  content: string;
  reason: string | null;
  created_at: string | null;
}

/** The entry's earlier texts, oldest first (its author only): the first 500, the most one page holds. */
export const listVersions = (id: number) => get<Page<EntryVersion>>(`${path(id)}/versions?per_page=500`).then((page) => page.items);

/** Put an earlier text back; the server keeps the current one as a version, so nothing is lost. */
export const restoreVersion = (id: number, versionId: number) => post<NodeDetail>(`${path(id)}/versions/${versionId}/restore`, {});
