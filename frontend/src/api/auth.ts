// Who is logged in: the cookie session and its CSRF token (kept by the client).
import type { User } from "../types";
import { get, post, setCsrfToken } from "./client";

interface LoggedIn {
  user: User;
  csrf_token: string;
}

export interface Credentials {
  username: string;
  password: string;
}

export const me = () => get<{ user: User }>("/auth/me").then((a) => a.user);

async function start(path: string, body: object): Promise<User> {
  const answer = await post<LoggedIn>(path, body);
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

export const login = (credentials: Credentials) => start("/auth/login", credentials);

export const signup = (credentials: Credentials & { email?: string; accept_terms?: boolean }) => start("/auth/signup", credentials);

/** Ends this browser's session on the server, and forgets its CSRF token. */
export async function logout(): Promise<void> {
  try {
    await post<void>("/auth/logout");
  } finally {
    setCsrfToken(null);
  }
}
