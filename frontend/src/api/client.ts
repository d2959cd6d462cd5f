// The one place that talks HTTP: same-origin cookies, the CSRF header on unsafe methods, query
// strings, reads sent again after a passing failure, and every error answer ({error, code, ...}) turned into an ApiError. The modules beside
// this one (nodes, jobs, auth, ...) name the API's addresses; components call those modules.

/** The API's error answer: a message for people and a `code` for programs. */
export interface ErrorBody {
  error?: string;
  code?: string;
  fields?: Record<string, string>;
  [extra: string]: unknown;
}

/** `code` when no answer came at all (the network, or the server is down). */
export const UNREACHABLE = "unreachable";
/** `code` when an error answer carried none (e.g. a proxy's own error page). */
export const UNKNOWN = "unknown";

export class ApiError extends Error {
  /** The HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** Machine-readable: "not_found", "deleted", "invalid", "csrf", "conflict", ... Branch on this,
   * never on the message. */
  readonly code: string;
  /** For `invalid`: what is wrong with each field. */
  readonly fields?: Record<string, string>;
  /** The whole error answer, for codes that carry more (e.g. `parent_id` with `deleted`). */
  readonly body: ErrorBody;

  constructor(status: number, message: string, code: string, body: ErrorBody = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = body.fields;
    this.body = body;
  }
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

type Method = "GET" | "POST" | "PUT" | "DELETE";
export type Query = Record<string, string | number | undefined>;

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** Login, signup and a password change hand out the token; logout forgets it. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended), so the app can show the login screen. */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

async function fetchCsrf(): Promise<string | null> {
  try {
    const resp = await fetch("/auth/csrf", { credentials: "same-origin", headers: { Accept: "application/json" } });
    csrfToken = ((await resp.json()) as { csrf_token?: string }).csrf_token ?? null;
  } catch {
    csrfToken = null;
  }
  return csrfToken;
}

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

async function send(method: Method, path: string, body: unknown, csrf: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body; // the browser sets the multipart boundary
  } else if (body instanceof Blob) {
    headers["Content-Type"] = "application/octet-stream"; // raw bytes (a recording's chunk)
    payload = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  if (csrf) headers["X-CSRF-Token"] = csrf;
  try {
    return await fetch(path, { method, headers, body: payload, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "Could not reach the server. Check your connection and try again.", UNREACHABLE);
  }
}

/** A GET that found the server unreachable, or a proxy's 502/503/504 (a restart, a moment of
 * overload), is sent again after each of these pauses before the reader sees an error. A read
 * changes nothing, so sending it twice is harmless; writes are never sent again. */
export const GET_RETRY_PAUSES_MS = [300, 1000];
const TRANSIENT_STATUSES = new Set([502, 503, 504]);

async function sendGet(path: string): Promise<Response> {
  for (const pause of GET_RETRY_PAUSES_MS) {
    try {
      const resp = await send("GET", path, undefined, null);
      if (!TRANSIENT_STATUSES.has(resp.status)) return resp;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return send("GET", path, undefined, null);
}

async function readJson(resp: Response): Promise<unknown> {
  const text = await resp.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorOf(resp: Response, data: unknown): ApiError {
  const body: ErrorBody = data && typeof data === "object" ? (data as ErrorBody) : {};
  const message = body.error ?? `The server answered ${resp.status} ${resp.statusText}`.trim() + ".";
  return new ApiError(resp.status, message, body.code ?? UNKNOWN, body);
}

export interface Answer<T> {
  status: number;
  data: T;
}

/** Send a request; answers its status and body, or throws an ApiError. */
export async function request<T>(method: Method, path: string, body?: unknown): Promise<Answer<T>> {
  const unsafe = method !== "GET";
  const csrf = unsafe ? (csrfToken ?? (await fetchCsrf())) : null;
  let resp = unsafe ? await send(method, path, body, csrf) : await sendGet(path);
  let data = await readJson(resp);
  if (unsafe && resp.status === 403 && (data as ErrorBody | undefined)?.code === "csrf") {
    // A stale token (e.g. the session was renewed elsewhere): fetch a fresh one, try once more.
    resp = await send(method, path, body, await fetchCsrf());
    data = await readJson(resp);
  }
  if (resp.status === 401 && !path.startsWith("/auth/")) onUnauthorized?.();
  if (!resp.ok) throw errorOf(resp, data);
  return { status: resp.status, data: data as T };
}

export const get = <T>(path: string, query?: Query) => request<T>("GET", withQuery(path, query)).then((a) => a.data);
export const post = <T>(path: string, body: unknown = {}) => request<T>("POST", path, body).then((a) => a.data);
export const put = <T>(path: string, body: unknown = {}) => request<T>("PUT", path, body).then((a) => a.data);
export const del = <T = void>(path: string) => request<T>("DELETE", path).then((a) => a.data);
