// One's account: preferences, API tokens, and ending every session.
import type { ApiToken, Page, Preferences, User } from "../types";
import { del, get, post, put, request, setCsrfToken } from "./client";

export const getPreferences = () => get<Preferences>("/api/me/preferences");

/** Changes the fields sent; `null` puts one back to the server's default. */
export const savePreferences = (change: Partial<Preferences>) => put<Preferences>("/api/me/preferences", change);

export const listTokens = () => get<Page<ApiToken>>("/auth/tokens", { per_page: 500 }).then((page) => page.items);

export interface NewToken {
  username: string;
  password: string;
  name: string;
}

/** A new token needs the password again; its secret is answered this once. */
export const createToken = (token: NewToken) => post<{ token: string }>("/auth/token", token).then((a) => a.token);

export const revokeToken = (id: number) => del(`/auth/tokens/${id}`);

/** Ends every session (this one too) and revokes every API token. */
export async function logoutEverywhere(): Promise<void> {
  try {
    await post<void>("/auth/logout_everywhere");
  } finally {
    setCsrfToken(null);
  }
}

/** What "delete all my data" removed, by kind (see wop/account_deletion.py). */
export type Deleted = Record<string, number>;

/** Deletes every entry, version, profile, draft, job and file of one's own; the account stays. */
export const deleteMyData = () =>
  request<{ deleted: Deleted }>("DELETE", "/api/delete_my_data", { confirm: "DELETE" }).then((a) => a.data.deleted);

export interface Session {
  id: number;
  created_at: string;
  last_seen_at: string;
  user_agent: string | null;
  ip: string | null;
  current: boolean;
}

export const listSessions = () => get<Page<Session>>("/auth/sessions").then((page) => page.items);

export const endSession = (id: number) => del(`/auth/sessions/${id}`);

/** Ends every other session and revokes every API token; this browser goes on under a new key. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const answer = await post<{ csrf_token: string | null }>("/auth/password", {
    current_password: currentPassword,
    new_password: newPassword,
  });
  setCsrfToken(answer.csrf_token);
}

/** Sets one's e-mail address, or removes it with "". Answers the account as it now is. */
export const changeEmail = (email: string) => put<{ user: User }>("/api/dashboard/user", { email }).then((a) => a.user);
