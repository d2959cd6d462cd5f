import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, del, GET_RETRY_PAUSES_MS, get, post, setCsrfToken, setUnauthorizedHandler, withQuery } from "./client";

type Answer = { status: number; body?: unknown; text?: string };
const json = (status: number, body?: unknown): Answer => ({ status, body });

/** A stand-in for the network: answers each request in turn, and keeps what was sent. */
function serve(...answers: Answer[]) {
  const sent: { url: string; method: string; headers: Record<string, string> }[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit = {}) => {
    sent.push({ url, method: init.method ?? "GET", headers: (init.headers ?? {}) as Record<string, string> });
    const answer = url === "/auth/csrf" ? json(200, { csrf_token: `token-${sent.length}` }) : answers.shift();
    if (!answer) throw new Error(`nothing to answer ${url}`);
    const payload = answer.status === 204 ? null : (answer.text ?? (answer.body === undefined ? "" : JSON.stringify(answer.body)));
    return new Response(payload, { status: answer.status, statusText: answer.status === 502 ? "Bad Gateway" : "" });
  });
  vi.stubGlobal("fetch", fetch);
  return sent;
}

beforeEach(() => setCsrfToken(null));
afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(null);
});

async function failure(request: Promise<unknown>): Promise<ApiError> {
  const err = await request.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

describe("the API client", () => {
  it("turns an error answer into an ApiError with its status, code, fields and extras", async () => {
    serve(json(410, { error: "This entry was deleted.", code: "deleted", parent_id: 3 }), json(422, { error: "Invalid request: content: too long", code: "invalid", fields: { content: "too long" } }));
    const gone = await failure(get("/api/nodes/4"));
    expect([gone.status, gone.code, gone.message, gone.body.parent_id]).toEqual([410, "deleted", "This entry was deleted.", 3]);
    const invalid = await failure(post("/api/nodes/", { content: "x" }));
    expect([invalid.status, invalid.code, invalid.fields]).toEqual([422, "invalid", { content: "too long" }]);
  });

  it("says what happened when an error answer is not the API's (a proxy's page)", async () => {
    serve({ status: 502, text: "<html>Bad Gateway</html>" });
    const err = await failure(post("/api/nodes/", { content: "a" }));
    expect([err.status, err.code, err.message]).toEqual([502, "unknown", "The server answered 502 Bad Gateway."]);
  });

  it("tells an unreachable server apart, after sending a read again", async () => {
    vi.useFakeTimers();
    try {
      const fetch = vi.fn(async () => Promise.reject(new TypeError("Failed to fetch")));
      vi.stubGlobal("fetch", fetch);
      const pending = failure(get("/api/feed"));
      await vi.runAllTimersAsync();
      const err = await pending;
      expect([err.status, err.code]).toEqual([0, "unreachable"]);
      expect(fetch).toHaveBeenCalledTimes(GET_RETRY_PAUSES_MS.length + 1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends a read again after a passing failure, and answers with what came then", async () => {
    vi.useFakeTimers();
    try {
      const sent = serve({ status: 502, text: "<html>Bad Gateway</html>" }, json(503, {}), json(410, { error: "This entry was deleted.", code: "deleted" }));
      const pending = failure(get("/api/nodes/4"));
      await vi.runAllTimersAsync();
      const err = await pending;
      expect([err.status, err.code]).toEqual([410, "deleted"]);
      expect(sent.map((s) => s.url)).toEqual(["/api/nodes/4", "/api/nodes/4", "/api/nodes/4"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("never sends a write again, nor a read that got a real answer", async () => {
    const sent = serve(json(503, { error: "The queue is paused.", code: "unavailable" }), json(500, { error: "Oops.", code: "internal" }));
    expect((await failure(post("/api/nodes/1/llm", {}))).status).toBe(503);
    expect((await failure(get("/api/feed"))).status).toBe(500);
    expect(sent.filter((s) => s.url !== "/auth/csrf").length).toBe(2);
  });

  it("sends the CSRF token on unsafe requests only, fetching it once", async () => {
    const sent = serve(json(200, {}), json(201, { id: 1 }), json(204));
    await get("/api/feed");
    await post("/api/nodes/", { content: "a" });
    await del("/api/nodes/1");
    expect(sent.map((r) => [r.method, r.url, r.headers["X-CSRF-Token"]])).toEqual([
      ["GET", "/api/feed", undefined],
      ["GET", "/auth/csrf", undefined],
      ["POST", "/api/nodes/", "token-2"],
      ["DELETE", "/api/nodes/1", "token-2"],
    ]);
  });

  it("fetches a fresh CSRF token and tries once more when the server answers code `csrf`", async () => {
    setCsrfToken("stale");
    const sent = serve(json(403, { error: "Missing or invalid CSRF token.", code: "csrf" }), json(201, { id: 1 }));
    expect(await post("/api/nodes/", { content: "a" })).toEqual({ id: 1 });
    expect(sent.map((r) => [r.url, r.headers["X-CSRF-Token"]])).toEqual([
      ["/api/nodes/", "stale"],
      ["/auth/csrf", undefined],
      ["/api/nodes/", "token-2"],
    ]);
  });

  it("never reads the message: another 403 is not retried, whatever it says", async () => {
    setCsrfToken("current");
    const sent = serve(json(403, { error: "Missing or invalid CSRF token (says the message).", code: "forbidden" }));
    const err = await failure(post("/api/nodes/", { content: "a" }));
    expect(err.code).toBe("forbidden");
    expect(sent).toHaveLength(1);
  });

  it("reports a session that ended (401) outside the login routes", async () => {
    const ended = vi.fn();
    setUnauthorizedHandler(ended);
    serve(json(401, { error: "Log in first.", code: "not_logged_in" }), json(401, { error: "Wrong password.", code: "not_logged_in" }));
    await failure(get("/api/dashboard"));
    expect(ended).toHaveBeenCalledTimes(1);
    await failure(post("/auth/login", { username: "a", password: "b" }));
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it("builds query strings from what is set", () => {
    expect(withQuery("/api/feed", { page: 2, per_page: 20, kind: undefined })).toBe("/api/feed?page=2&per_page=20");
    expect(withQuery("/api/feed", {})).toBe("/api/feed");
  });
});
