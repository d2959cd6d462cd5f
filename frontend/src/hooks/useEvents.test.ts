import { renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { replyJob } from "../test/jobs";
import { useLiveJob } from "./useEvents";

const jobs = vi.hoisted(() => ({ getJob: vi.fn() }));
vi.mock("../api/jobs", () => jobs);

beforeEach(() => jobs.getJob.mockReset());

describe("useLiveJob", () => {
  it("shows nothing for no job, without asking", () => {
    const { result } = renderHook(() => useLiveJob(null));
    expect(result.current.job).toBeNull();
    expect(jobs.getJob).not.toHaveBeenCalled();
  });

  it("loads the job with its text so far, and never shows one job's state for another", async () => {
    jobs.getJob.mockImplementation(async (taskId: string) =>
      replyJob("processing", { task_id: taskId, partial_text: `text of ${taskId}` }),
    );
    const { result, rerender, unmount } = renderHook(({ id }) => useLiveJob(id, 60_000), {
      initialProps: { id: "hook-a" },
    });
    await waitFor(() => expect(result.current.text).toBe("text of hook-a"));
    rerender({ id: "hook-b" });
    expect(result.current.text).not.toBe("text of hook-a");
    await waitFor(() => expect(result.current.text).toBe("text of hook-b"));
    expect(result.current.job?.task_id).toBe("hook-b");
    unmount();
  });

  it("looks again when asked to", async () => {
    jobs.getJob.mockResolvedValue(replyJob("processing", { task_id: "hook-c" }));
    const { result, unmount } = renderHook(() => useLiveJob("hook-c", 60_000));
    await waitFor(() => expect(result.current.job?.status).toBe("processing"));
    jobs.getJob.mockResolvedValue(replyJob("cancelled", { task_id: "hook-c" }));
    result.current.refresh();
    await waitFor(() => expect(result.current.job?.status).toBe("cancelled"));
    unmount();
  });
});
