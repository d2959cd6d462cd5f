import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeEventSource, fakeSources } from "../test/eventSource";
import { replyJob } from "../test/jobs";
import { EventStream, FAILURES_BEFORE_POLLING, RETRY_LIVE_MS, type StreamSignal } from "./events";

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal("EventSource", FakeEventSource); // happy-dom has none; the page checks for it
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function started() {
  const sources = fakeSources();
  const stream = new EventStream(sources.open);
  const seen: StreamSignal[] = [];
  const modes: string[] = [];
  stream.subscribe((signal) => seen.push(signal));
  stream.onMode((mode) => modes.push(mode));
  stream.start();
  return { stream, made: sources.made, seen, modes };
}

describe("EventStream", () => {
  it("is live once open, and asks every display to look again since it starts at the newest event", () => {
    const { stream, made, seen, modes } = started();
    expect(made).toHaveLength(1);
    expect(made[0].lastId).toBeNull();
    expect(stream.mode).toBe("connecting");
    made[0].open();
    expect(stream.mode).toBe("live");
    expect(modes).toEqual(["connecting", "live"]);
    expect(seen).toEqual([{ type: "resync" }]);
  });

  it("passes on each event with its id and data", () => {
    const { made, seen } = started();
    made[0].open();
    const job = replyJob("processing");
    made[0].send("job", "1-0", job);
    made[0].send("text", "1-1", { task_id: "task-1", node_id: 7, offset: 0, delta: "Hello" });
    made[0].send("reset", "1-2", {});
    expect(seen.slice(1)).toEqual([
      { type: "job", id: "1-0", data: job },
      { type: "text", id: "1-1", data: { task_id: "task-1", node_id: 7, offset: 0, delta: "Hello" } },
      { type: "reset", id: "1-2", data: {} },
    ]);
  });

  it("leaves reconnecting to the browser after a dropped connection, which resumes without a resync", () => {
    const { stream, made, seen } = started();
    made[0].open();
    made[0].send("job", "5-0", replyJob("processing"));
    made[0].fail();
    expect(stream.mode).toBe("connecting");
    expect(made).toHaveLength(1); // EventSource reconnects by itself, sending Last-Event-ID
    made[0].open();
    expect(stream.mode).toBe("live");
    expect(seen.filter((s) => s.type === "resync")).toHaveLength(1);
  });

  it("opens a refused stream again after a pause, from the last event it saw", () => {
    const { made, seen } = started();
    made[0].open();
    made[0].send("job", "7-3", replyJob("processing"));
    made[0].fail(true);
    expect(made[0].closed).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(made).toHaveLength(2);
    expect(made[1].lastId).toBe("7-3");
    made[1].open();
    expect(seen.filter((s) => s.type === "resync")).toHaveLength(1); // it resumed: nothing was missed
  });

  it("falls back to polling after failures in a row, and tries the stream again later", () => {
    const { stream, made } = started();
    for (let i = 0; i < FAILURES_BEFORE_POLLING; i++) {
      made[made.length - 1].fail(true);
      if (i < FAILURES_BEFORE_POLLING - 1) vi.advanceTimersByTime(1000 * (i + 1));
    }
    expect(stream.mode).toBe("polling");
    const tries = made.length;
    vi.advanceTimersByTime(RETRY_LIVE_MS - 1);
    expect(made).toHaveLength(tries);
    vi.advanceTimersByTime(1);
    expect(made).toHaveLength(tries + 1);
    made[made.length - 1].open();
    expect(stream.mode).toBe("live");
  });

  it("ignores a closed source's events, and forgets its place when stopped", () => {
    const { stream, made, seen } = started();
    made[0].open();
    made[0].send("job", "9-0", replyJob("processing"));
    stream.stop();
    expect(stream.mode).toBe("off");
    expect(made[0].closed).toBe(true);
    made[0].send("job", "9-1", replyJob("completed"));
    expect(seen).toHaveLength(2);
    stream.start();
    expect(made[1].lastId).toBeNull(); // the next account starts afresh
  });

  it("polls when the page asks for it with ?events=off", () => {
    window.history.replaceState(null, "", "/?events=off");
    try {
      const { stream, made } = started();
      expect(stream.mode).toBe("polling");
      expect(made).toHaveLength(0);
    } finally {
      window.history.replaceState(null, "", "/");
    }
  });
});
