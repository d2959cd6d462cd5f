// Unsaved writing kept on the server per writer and place ("new", "reply:<id>", "edit:<id>"), so it
// follows the writer to another device. The server drops a draft itself when its entry is saved.
import { del, get, put } from "./client";

export interface Draft {
  place: string;
  content: string;
  updated_at: string | null;
}

// Places are made of a word and a number ("reply:12"), safe in a path as they are.
const path = (place: string) => `/api/drafts/${place}`;

export const getDraft = (place: string) => get<Draft>(path(place));

export const saveDraft = (place: string, content: string) => put<Draft>(path(place), { content });

export const deleteDraft = (place: string) => del(path(place));
