import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeEventSource, fakeSources } from "../test/eventSource";
import { replyJob } from "../test/jobs";
import type { Job } from "../types";
import { EventStream } from "./events";
import { LIVE_CHECK_MS, followJob, type LiveJob } from "./jobs";

const jobs = vi.hoisted(() => ({ getJob: vi.fn() }));
vi.mock("../api/jobs", () => jobs);

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal("EventSource", FakeEventSource);
  jobs.getJob.mockReset();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

let nextTask = 0;

/** A job followed on a stream of its own; `stream.made[0]` is the page's event source. */
function follow(first: Job, { live = true } = {}) {
  const taskId = `task-${++nextTask}`;
  jobs.getJob.mockResolvedValue({ ...first, task_id: taskId });
  const sources = fakeSources();
  const stream = new EventStream(sources.open);
  stream.start();
  if (live) sources.made[0].open();
  const states: LiveJob[] = [];
  const followed = followJob(taskId, (state) => states.push(state), 1000, stream);
  const latest = () => states[states.length - 1];
  const source = sources.made[0];
  const send = (type: string, data: object, id = `${Date.now()}-${states.length}`) =>
    source.send(type, id, { task_id: taskId, ...data });
  return { taskId, stream, followed, latest, send, source };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

describe("followJob", () => {
  it("starts from the text so far, then adds each piece at its offset", async () => {
    const { latest, send } = follow(replyJob("processing", { partial_text: "Once upon" }));
    await settle();
    expect(latest().text).toBe("Once upon");
    send("text", { node_id: 7, offset: 9, delta: " a time" });
    expect(latest().text).toBe("Once upon a time");
  });

  it("keeps a piece it already has only once (a replay after a reconnect overlaps)", async () => {
    const { latest, send } = follow(replyJob("processing", { partial_text: "Once upon" }));
    await settle();
    send("text", { node_id: 7, offset: 5, delta: "upon a" });
    send("text", { node_id: 7, offset: 0, delta: "Once" });
    expect(latest().text).toBe("Once upon a");
  });

  it("counts offsets in code points, as the server does", async () => {
    const { latest, send } = follow(replyJob("processing", { partial_text: "🌊 sea" }));
    await settle();
    send("text", { node_id: 7, offset: 5, delta: " and 🌞" });
    expect(latest().text).toBe("🌊 sea and 🌞");
    send("text", { node_id: 7, offset: 6, delta: "and 🌞!" });
    expect(latest().text).toBe("🌊 sea and 🌞!");
  });

  it("looks at the job again when a piece was missed, and takes the text so far from it", async () => {
    const { taskId, latest, send } = follow(replyJob("processing", { partial_text: "Once" }));
    await settle();
    jobs.getJob.mockResolvedValue(replyJob("processing", { task_id: taskId, partial_text: "Once upon a time there" }));
    send("text", { node_id: 7, offset: 16, delta: " there" });
    expect(latest().text).toBe("Once");
    await settle();
    expect(jobs.getJob).toHaveBeenCalledTimes(2);
    expect(latest().text).toBe("Once upon a time there");
  });

  it("drops the text and parts of an attempt that starts again", async () => {
    const { latest, send } = follow(replyJob("processing", { partial_text: "First try" }));
    await settle();
    send("part", { kind: "tts", index: 1, count: 2, url: "/a/1" });
    send("restart", {});
    expect(latest().text).toBe("");
    expect(latest().parts).toEqual([]);
    send("text", { node_id: 7, offset: 0, delta: "Second" });
    expect(latest().text).toBe("Second");
  });

  it("keeps parts in order, once each", async () => {
    const { latest, send } = follow(replyJob("processing"));
    await settle();
    send("part", { kind: "tts", index: 2, count: 3, url: "/p/2" });
    send("part", { kind: "tts", index: 1, count: 3, url: "/p/1" });
    send("part", { kind: "tts", index: 2, count: 3, url: "/p/2" });
    expect(latest().parts.map((p) => p.index)).toEqual([1, 2]);
  });

  it("takes each job event, and a finished job stays finished whatever comes later", async () => {
    const { taskId, latest, send } = follow(replyJob("pending"));
    await settle();
    send("job", replyJob("processing", { task_id: taskId, progress: 50 }));
    expect(latest().job?.progress).toBe(50);
    send("job", replyJob("completed", { task_id: taskId }));
    send("job", replyJob("processing", { task_id: taskId })); // replayed
    expect(latest().job?.status).toBe("completed");
  });

  it("ignores other jobs' events", async () => {
    const { latest, source } = follow(replyJob("processing", { partial_text: "Mine" }));
    await settle();
    source.send("text", "1-0", { task_id: "someone-else", node_id: 1, offset: 4, delta: " theirs" });
    source.send("job", "1-1", replyJob("completed", { task_id: "someone-else" }));
    expect(latest().text).toBe("Mine");
    expect(latest().job?.status).toBe("processing");
  });

  it("does not poll while the stream is open, but looks now and then in case an event was lost", async () => {
    follow(replyJob("processing"));
    await settle();
    await vi.advanceTimersByTimeAsync(LIVE_CHECK_MS - 1);
    expect(jobs.getJob).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(jobs.getJob).toHaveBeenCalledTimes(2);
  });

  it("polls about every second while the stream is not open, until the job finishes", async () => {
    const { taskId, latest } = follow(replyJob("processing", { partial_text: "A" }), { live: false });
    await settle();
    jobs.getJob.mockResolvedValue(replyJob("processing", { task_id: taskId, partial_text: "A few" }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(latest().text).toBe("A few");
    jobs.getJob.mockResolvedValue(replyJob("completed", { task_id: taskId }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(latest().job?.status).toBe("completed");
    const calls = jobs.getJob.mock.calls.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(jobs.getJob).toHaveBeenCalledTimes(calls);
  });

  it("stops polling once the stream opens, and looks again then", async () => {
    const { source } = follow(replyJob("processing"), { live: false });
    await settle();
    await vi.advanceTimersByTimeAsync(1000);
    expect(jobs.getJob).toHaveBeenCalledTimes(2);
    source.open(); // the first open starts at the newest event: what came before is looked up
    await settle();
    expect(jobs.getJob).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(5000);
    expect(jobs.getJob).toHaveBeenCalledTimes(3);
  });

  it("shares one follower between the displays of a job, and lets go when the last one leaves", async () => {
    const { taskId, stream, followed, send } = follow(replyJob("processing", { partial_text: "Hi" }));
    await settle();
    const second: LiveJob[] = [];
    const other = followJob(taskId, (state) => second.push(state), 1000, stream);
    expect(second[0].text).toBe("Hi"); // at once, without asking again
    expect(jobs.getJob).toHaveBeenCalledTimes(1);
    followed.stop();
    send("text", { node_id: 7, offset: 2, delta: " there" });
    expect(second[second.length - 1].text).toBe("Hi there");
    other.stop();
    const third: LiveJob[] = [];
    followJob(taskId, (state) => third.push(state), 1000, stream).stop();
    expect(third[0].text).toBe(""); // a new follower: the old one was let go
  });

  it("shows why a look failed, and tries again later when it may help", async () => {
    jobs.getJob.mockRejectedValueOnce(new TypeError("Failed to fetch")); // the first look
    const { taskId, latest } = follow(replyJob("processing"), { live: false });
    await settle();
    expect(latest().error).toBeTruthy();
    jobs.getJob.mockResolvedValue(replyJob("processing", { task_id: taskId }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(latest().error).toBeNull();
    expect(latest().job?.status).toBe("processing");
  });
});
