// The one place that talks HTTP: same-origin cookies, the CSRF header on unsafe methods,
// and the API's own {error} message surfaced verbatim as an ApiError.

export class ApiError extends Error {
  readonly status: number;
  readonly fields?: Record<string, string>;
  /** The whole error body, for answers that carry more than a message (e.g. `code`, `parent_id`). */
  readonly body: Record<string, unknown>;

  constructor(status: number, message: string, fields?: Record<string, string>, body: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.fields = fields;
    this.body = body;
  }
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended), so the app can show the login screen. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function fetchCsrf(): Promise<string> {
  const resp = await fetch("/auth/csrf", { credentials: "same-origin" });
  const data = await resp.json();
  csrfToken = data.csrf_token as string;
  return csrfToken;
}

async function send(method: Method, path: string, body: unknown, csrf: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body; // the browser sets the multipart boundary
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (csrf) headers["X-CSRF-Token"] = csrf;
  try {
    return await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "Could not reach the server. Check your connection and try again.");
  }
}

async function parse<T>(resp: Response): Promise<T> {
  if (resp.status === 204) return undefined as T;
  const text = await resp.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!resp.ok) {
    const err = data && typeof data === "object" ? (data as { error?: string; fields?: Record<string, string> }) : undefined;
    const message = err?.error ?? `The server answered ${resp.status} ${resp.statusText}`.trim() + ".";
    throw new ApiError(resp.status, message, err?.fields, err ?? {});
  }
  return data as T;
}

export interface Answer<T> {
  status: number;
  data: T;
}

/** Send a request and return status and body; throws ApiError with the server's message. */
export async function call<T>(method: Method, path: string, body?: unknown): Promise<Answer<T>> {
  const unsafe = method !== "GET";
  let csrf = unsafe ? csrfToken ?? (await fetchCsrf().catch(() => null)) : null;
  let resp = await send(method, path, body, csrf);
  if (unsafe && resp.status === 403) {
    // A stale token (e.g. after the session was renewed elsewhere): fetch a fresh one, try once more.
    const clone = resp.clone();
    const data = await clone.json().catch(() => null);
    if (data && typeof data.error === "string" && data.error.includes("CSRF")) {
      csrf = await fetchCsrf().catch(() => null);
      resp = await send(method, path, body, csrf);
    }
  }
  if (resp.status === 401 && !path.startsWith("/auth/") && onUnauthorized) onUnauthorized();
  return { status: resp.status, data: await parse<T>(resp) };
}

export const api = {
  get: <T>(path: string) => call<T>("GET", path).then((a) => a.data),
  post: <T>(path: string, body?: unknown) => call<T>("POST", path, body ?? {}).then((a) => a.data),
  put: <T>(path: string, body?: unknown) => call<T>("PUT", path, body ?? {}).then((a) => a.data),
  del: <T>(path: string, body?: unknown) => call<T>("DELETE", path, body).then((a) => a.data),
};

export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
