import type { Page, PageQuery, Profile, ProfileEstimate, Started } from "../types";
import { ApiError, get, post, put } from "./client";

/** One's latest profile, or null when there is none yet. */
export async function getProfile(): Promise<Profile | null> {
  try {
    return await get<Profile>("/api/profile");
  } catch (err) {
    if (err instanceof ApiError && err.code === "not_found") return null;
    throw err;
  }
}

/** How much of one's writing a profile would read. */
export const estimateProfile = () => post<ProfileEstimate>("/api/export/estimate_profile_tokens");

/** Have an AI model (the server's default when none is named) write one's profile: a job. */
export const generateProfile = (model?: string) => post<Started & { model: string }>("/api/export/generate_profile", model ? { model } : {});

/** Every profile of one's, newest first (the first is the latest). */
export const listProfiles = (query: PageQuery) => get<Page<Profile>>("/api/profiles", { ...query });

/** Write one's profile by hand: it becomes the latest, and the earlier ones are kept. */
export const saveProfile = (content: string) => put<Profile>("/api/profile", { content });
