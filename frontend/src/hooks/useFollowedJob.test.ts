import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { StreamSignal } from "../live/events";
import { replyJob } from "../test/jobs";
import type { Job } from "../types";
import { useFollowedJob } from "./useFollowedJob";

const stream = vi.hoisted(() => ({ listeners: new Set<(signal: StreamSignal) => void>() }));
vi.mock("./useEvents", async () => {
  const { useEffect } = await import("react");
  return {
    useEvents: (listener: (signal: StreamSignal) => void) => {
      useEffect(() => {
        stream.listeners.add(listener);
        return () => void stream.listeners.delete(listener);
      });
    },
  };
});
const send = (signal: StreamSignal) => stream.listeners.forEach((listener) => listener(signal));

const settle = () => act(async () => new Promise((done) => setTimeout(done, 10)));

describe("useFollowedJob", () => {
  it.each(["pending", "processing", "failed"] as const)("picks up one's latest job when it is %s", async (status) => {
    const find = vi.fn(async () => replyJob(status));
    const { result } = renderHook(() => useFollowedJob(find, 7));
    await waitFor(() => expect(result.current[0]).toBe("task-1"));
  });

  it.each(["completed", "cancelled"] as const)("leaves a %s job alone", async (status) => {
    const { result } = renderHook(() => useFollowedJob(async () => replyJob(status), 7));
    await settle();
    expect(result.current[0]).toBeNull();
  });

  it("follows the statuses it is given", async () => {
    const { result } = renderHook(() => useFollowedJob(async () => replyJob("cancelled"), 7, ["cancelled"]));
    await waitFor(() => expect(result.current[0]).toBe("task-1"));
  });

  it("shows nothing when there is no job yet", async () => {
    const find = () => Promise.reject(new ApiError(404, "No llm reply task exists for this entry.", "no_job"));
    const { result } = renderHook(() => useFollowedJob(find, 7));
    await settle();
    expect(result.current[0]).toBeNull();
  });

  it("keeps a job started meanwhile rather than the one found", async () => {
    let found: (job: Job) => void = () => {};
    const find = () => new Promise<Job>((done) => (found = done));
    const { result } = renderHook(() => useFollowedJob(find, 7));
    act(() => result.current[1]("started-now"));
    await act(async () => found(replyJob("failed")));
    expect(result.current[0]).toBe("started-now");
  });

  it("looks again for another entry", async () => {
    const find = vi.fn(async (_nodeId: number) => replyJob("processing"));
    const { rerender } = renderHook(({ id }) => useFollowedJob(() => find(id), id), { initialProps: { id: 7 } });
    await waitFor(() => expect(find).toHaveBeenCalledWith(7));
    rerender({ id: 8 });
    await waitFor(() => expect(find).toHaveBeenCalledWith(8));
  });

  it("follows the job's retry when it is tried again elsewhere, and no other job", async () => {
    const { result } = renderHook(() => useFollowedJob(async () => replyJob("failed"), 7));
    await waitFor(() => expect(result.current[0]).toBe("task-1"));
    act(() => send({ type: "job", id: "1-0", data: replyJob("pending", { task_id: "other", retry_of: "elsewhere" }) }));
    expect(result.current[0]).toBe("task-1");
    act(() => send({ type: "job", id: "1-1", data: replyJob("pending", { task_id: "task-2", retry_of: "task-1" }) }));
    expect(result.current[0]).toBe("task-2");
  });
});
