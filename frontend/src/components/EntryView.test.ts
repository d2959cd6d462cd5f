import { describe, expect, it } from "vitest";
import type { LiveJob } from "../live/jobs";
import { replyJob } from "../test/jobs";
import type { Job, JobPart, JobStatus } from "../types";
import { transcriptShown } from "./EntryView";

function transcription(status: JobStatus, content: string | null = null): Job {
  const result = status === "completed" ? { parts: 2, provider: "openai", duration_seconds: 20, characters: 40, content } : null;
  return { ...replyJob(status), kind: "transcription", params: { provider: "openai" }, result } as Job;
}

const part = (index: number, text: string): JobPart => ({ task_id: "task-1", kind: "transcription", index, count: 3, text });
const live = (job: Job | null, parts: JobPart[] = []): LiveJob => ({ job, error: null, text: "", parts });

describe("the transcript shown in a voice entry", () => {
  it("grows part by part while the job runs", () => {
    expect(transcriptShown(live(transcription("processing")), false)).toBeNull(); // the placeholder stays
    expect(transcriptShown(live(transcription("processing"), [part(1, "I walked ")]), false)).toBe("I walked");
    const two = [part(1, "I walked"), part(2, " to the sea.")];
    expect(transcriptShown(live(transcription("processing"), two), false)).toBe("I walked to the sea.");
  });

  it("is the whole transcript once done, until the entry is loaded again with it", () => {
    const done = live(transcription("completed", "I walked to the sea today."), [part(1, "I walked")]);
    expect(transcriptShown(done, false)).toBe("I walked to the sea today.");
    expect(transcriptShown(done, true)).toBeNull();
  });

  it("leaves the entry as it is for a failed job, or one of another kind", () => {
    expect(transcriptShown(live(transcription("failed"), [part(1, "I walked")]), false)).toBeNull();
    expect(transcriptShown(live(replyJob("processing")), false)).toBeNull();
    expect(transcriptShown(live(null), false)).toBeNull();
  });
});
