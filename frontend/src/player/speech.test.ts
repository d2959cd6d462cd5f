import { afterEach, describe, expect, it, vi } from "vitest";
import type { LiveJob } from "../live/jobs";
import { replyJob } from "../test/jobs";
import type { Job, JobPart, JobStatus } from "../types";
import { AudioPlayer } from "./player";
import { SpeechQueue, speechQueue, type FollowJob } from "./speech";

/** An <audio> element that plays and ends when told (jsdom plays nothing). */
function audio() {
  const el = document.createElement("audio");
  let paused = true;
  let ended = false;
  Object.defineProperty(el, "paused", { get: () => paused });
  Object.defineProperty(el, "ended", { get: () => ended });
  el.play = vi.fn(async () => {
    paused = false;
    ended = false;
    el.dispatchEvent(new Event("play"));
  });
  el.pause = vi.fn(() => {
    paused = true;
    el.dispatchEvent(new Event("pause"));
  });
  const end = () => {
    paused = true;
    ended = true;
    el.dispatchEvent(new Event("pause"));
    el.dispatchEvent(new Event("ended"));
  };
  return { el, end };
}

function ttsJob(status: JobStatus, result: object | null = null): Job {
  return { ...replyJob(status), kind: "tts", params: { provider: "openai" }, result } as Job;
}

const part = (index: number, count = 3): JobPart => ({
  task_id: "tts-1",
  kind: "tts",
  index,
  count,
  url: `/api/jobs/tts-1/parts/${index}`,
  seconds: 4,
});

/** A read-aloud job the test moves on by hand. */
function speechJob() {
  let listener: ((state: LiveJob) => void) | null = null;
  const stopped = vi.fn();
  const follow: FollowJob = (_taskId, heard) => {
    listener = heard;
    heard({ job: ttsJob("pending"), error: null, text: "", parts: [] });
    return stopped;
  };
  const made = (status: JobStatus, parts: JobPart[], result: object | null = null) =>
    listener?.({ job: ttsJob(status, result), error: null, text: "", parts });
  return { follow, made, stopped };
}

function setUp() {
  const player = new AudioPlayer();
  const media = audio();
  player.attach(media.el);
  const job = speechJob();
  const queue = new SpeechQueue(player, "read-aloud:7", "Entry read aloud", { taskId: "tts-1" }, undefined, job.follow);
  const src = () => media.el.getAttribute("src");
  return { player, media, job, queue, src };
}

describe("SpeechQueue", () => {
  afterEach(() => {
    localStorage.clear();
  });

  it("plays the parts one after another as they are made, on after the page that asked is gone", async () => {
    const { player, media, job, queue, src } = setUp();
    const hide = queue.show();
    queue.ask();
    job.made("processing", [part(1)]);
    await Promise.resolve();
    expect(src()).toBe(part(1).url);
    expect(player.state.playing).toBe(true);
    expect(queue.view.holding).toEqual({ kind: "part", index: 1 });

    hide(); // the page is left while part 1 plays
    media.end(); // before part 2 is made: it waits for it
    expect(src()).toBe(part(1).url);
    job.made("processing", [part(1), part(2)]);
    await Promise.resolve();
    expect(src()).toBe(part(2).url);
    expect(player.state.track?.part).toBe(2);
    expect(player.state.playing).toBe(true);

    job.made("processing", [part(1), part(2), part(3)]); // made while part 2 plays
    media.end();
    await Promise.resolve();
    expect(src()).toBe(part(3).url);
    expect(job.stopped).not.toHaveBeenCalled();

    // Done: the joined file is what the player holds after the last part, and the job is left.
    job.made("completed", [part(1), part(2), part(3)], { tts_url: "/api/media/tts/7.mp3", parts: 3 });
    expect(job.stopped).toHaveBeenCalled();
    media.end();
    expect(src()).toBe("/api/media/tts/7.mp3");
    expect(player.state.track?.part).toBeUndefined();
    expect(player.state.playing).toBe(false);
  });

  it("plays part 1 when it is made after the page that asked for it was left", async () => {
    const { player, job, queue, src } = setUp();
    const hide = queue.show();
    queue.ask();
    hide(); // left before part 1 exists
    expect(job.stopped).not.toHaveBeenCalled();
    job.made("processing", [part(1)]);
    await Promise.resolve();
    expect(src()).toBe(part(1).url);
    expect(player.state.playing).toBe(true);
  });

  it("lets go of an asked-for reading when something else is played before its first part", async () => {
    const { player, job, queue, src } = setUp();
    const hide = queue.show();
    queue.ask();
    hide();
    player.load({ id: "node:3", src: "/api/media/voice.webm", title: "A recording", label: "Original recording" });
    expect(job.stopped).toHaveBeenCalled();
    job.made("processing", [part(1)]);
    expect(src()).toBe("/api/media/voice.webm");
  });

  it("lets go of an asked-for reading whose job ends with nothing to play", () => {
    const player = new AudioPlayer();
    player.attach(audio().el);
    const job = speechJob();
    const disposed = vi.fn();
    const queue = new SpeechQueue(player, "read-aloud:7", "Entry read aloud", { taskId: "tts-1" }, disposed, job.follow);
    const hide = queue.show();
    queue.ask();
    hide();
    expect(disposed).not.toHaveBeenCalled(); // still waiting for part 1
    job.made("failed", []);
    expect(disposed).toHaveBeenCalled();
  });

  it("goes on with the joined file at the same point when the parts left were never seen", async () => {
    const { media, job, queue, src } = setUp();
    queue.show();
    queue.ask();
    job.made("processing", [part(1)]);
    media.end();
    job.made("completed", [part(1)], { tts_url: "/api/media/tts/7.mp3", parts: 3 });
    await Promise.resolve();
    expect(src()).toBe("/api/media/tts/7.mp3#t=4.00");
    expect(media.el.play).toHaveBeenCalledTimes(2);
  });

  it("does not interrupt another page's audio unless asked, and is let go once the player holds that", async () => {
    const { player, job, queue, src } = setUp();
    player.load({ id: "node:3", src: "/api/media/voice.webm", title: "A recording", label: "Original recording" });
    await Promise.resolve();
    const hide = queue.show();
    job.made("processing", [part(1)]);
    expect(src()).toBe("/api/media/voice.webm");
    expect(queue.view.holding).toEqual({ kind: "none" });

    hide(); // left without asking: nothing more to do for it
    expect(job.stopped).toHaveBeenCalled();
  });

  it("stays with the player after its page is gone, and that page shown again finds it going", async () => {
    const player = new AudioPlayer();
    const media = audio();
    player.attach(media.el);
    const first = speechQueue(player, "read-aloud:8", "Entry read aloud", { wholeUrl: "/api/media/tts/8.mp3" });
    const hide = first.show();
    first.ask();
    await Promise.resolve();
    expect(player.state.playing).toBe(true);
    hide();
    expect(speechQueue(player, "read-aloud:8", "Entry read aloud", { wholeUrl: "/api/media/tts/8.mp3" })).toBe(first);

    // Something else in the player, and no page shows it: a later page starts afresh.
    player.load({ id: "node:3", src: "/api/media/voice.webm", title: "A recording", label: "Original recording" });
    expect(speechQueue(player, "read-aloud:8", "Entry read aloud", { wholeUrl: "/api/media/tts/8.mp3" })).not.toBe(first);
  });
});
