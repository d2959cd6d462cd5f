import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { forgetDismissedCache } from "../jobs/dismissed";
import { applyJob, NO_JOBS } from "../jobs/useMyJobs";
import type { StreamSignal } from "../live/events";
import { replyJob } from "../test/jobs";
import type { Job } from "../types";
import JobsMenu from "./JobsMenu";

const api = vi.hoisted(() => ({ listJobs: vi.fn(), cancelJob: vi.fn(), retryJob: vi.fn() }));
vi.mock("../api/jobs", () => api);
const stream = vi.hoisted(() => ({ send: (_: StreamSignal) => undefined as void }));
vi.mock("../hooks/useEvents", () => ({
  useEvents: (callback: (signal: StreamSignal) => void) => {
    stream.send = callback;
  },
  useLiveMode: () => "live",
}));

const NOW = Date.parse("2025-01-01T12:00:00Z");
const running = replyJob("processing", { task_id: "run-1", stage: "Asking the model", progress: 40 });
const failed = replyJob("failed", { task_id: "fail-1", error: "The AI service is not available.", finished_at: "2025-01-01T11:00:00Z" });

function page(items: Job[]) {
  return { items, page: 1, per_page: 50, has_more: false };
}

function serve(jobs: Job[]) {
  api.listJobs.mockImplementation(async ({ status }: { status: string }) => page(jobs.filter((j) => j.status === status)));
}

beforeEach(() => {
  forgetDismissedCache();
  api.listJobs.mockReset();
  api.cancelJob.mockReset();
  api.retryJob.mockReset();
  vi.useFakeTimers({ toFake: ["Date"], now: NOW });
});

describe("applyJob", () => {
  it("puts a job where it belongs now: running, failed lately, or nowhere", () => {
    let jobs = applyJob(NO_JOBS, running, NOW);
    expect(jobs.running.map((j) => j.task_id)).toEqual(["run-1"]);
    jobs = applyJob(jobs, { ...running, status: "failed", finished_at: "2025-01-01T11:59:00Z" }, NOW);
    expect(jobs).toMatchObject({ running: [], failed: [{ task_id: "run-1" }] });
    jobs = applyJob(jobs, { ...running, status: "completed" }, NOW);
    expect(jobs).toEqual(NO_JOBS);
  });

  it("leaves out old failures and the recorder's helper jobs", () => {
    expect(applyJob(NO_JOBS, { ...failed, finished_at: "2024-12-30T11:00:00Z" }, NOW)).toEqual(NO_JOBS);
    expect(applyJob(NO_JOBS, { ...running, kind: "recording_piece" } as unknown as Job, NOW)).toEqual(NO_JOBS);
  });
});

describe("JobsMenu", () => {
  it("lists running and failed jobs, and follows the live stream", async () => {
    serve([running, failed]);
    render(<JobsMenu />);
    const button = screen.getByRole("button", { name: /^Jobs/ });
    await waitFor(() => expect(button.textContent).toContain("1 running"));
    fireEvent.click(button);
    const menu = screen.getByRole("region", { name: "Your jobs" });
    const row = menu.querySelector<HTMLElement>("[data-task-id='run-1']")!;
    expect(row.dataset.status).toBe("processing");
    expect(row.querySelector("a")!.getAttribute("href")).toContain("/node/7");
    expect(menu.textContent).toContain("The AI service is not available.");

    await waitFor(() => expect(api.listJobs).toHaveBeenCalledTimes(6)); // loaded again on opening
    await act(async () => undefined);
    act(() => stream.send({ type: "job", id: "1-0", data: { ...running, status: "completed", progress: 100 } }));
    await waitFor(() => expect(menu.querySelector("[data-task-id='run-1']")).toBeNull());
    expect(button.textContent).toContain("1 failed");
  });

  it("keeps what an event said over a load that was on its way meanwhile", async () => {
    let answer: (jobs: ReturnType<typeof page>) => void = () => undefined;
    api.listJobs.mockImplementation(({ status }: { status: string }) =>
      status === "processing" ? new Promise((resolve) => (answer = resolve)) : Promise.resolve(page([])),
    );
    render(<JobsMenu />);
    act(() => stream.send({ type: "job", id: "1-0", data: { ...running, status: "cancelled" } }));
    await act(async () => answer(page([running]))); // loaded before the cancel, answered after it
    expect(screen.getByRole("button", { name: /^Jobs/ }).textContent).toBe("Jobs");
  });

  it("keeps a finished job finished when an older event or load arrives after it", async () => {
    serve([running]);
    render(<JobsMenu />);
    const button = screen.getByRole("button", { name: /^Jobs/ });
    await waitFor(() => expect(button.textContent).toContain("1 running"));
    act(() => stream.send({ type: "job", id: "1-0", data: { ...running, status: "cancelled" } }));
    // The cancel route's own "cancelling" can reach the stream after the worker's "cancelled".
    act(() => stream.send({ type: "job", id: "1-1", data: { ...running, cancel_requested: true } }));
    expect(button.textContent).toBe("Jobs");
    fireEvent.click(button); // opening loads again; the list still says it runs
    await waitFor(() => expect(api.listJobs).toHaveBeenCalledTimes(6));
    await act(async () => undefined);
    expect(button.textContent).toBe("Jobs");
  });

  it("cancels a running job and dismisses a failed one for good", async () => {
    serve([running, failed]);
    api.cancelJob.mockResolvedValue({ ...running, cancel_requested: true });
    render(<JobsMenu />);
    fireEvent.click(screen.getByRole("button", { name: /^Jobs/ }));
    const menu = screen.getByRole("region", { name: "Your jobs" });
    fireEvent.click(await within(menu).findByRole("button", { name: "Cancel AI reply" }));
    await waitFor(() => expect(api.cancelJob).toHaveBeenCalledWith("run-1"));

    fireEvent.click(within(menu).getByRole("button", { name: "Dismiss AI reply" }));
    expect(menu.querySelector("[data-task-id='fail-1']")).toBeNull();
    expect(JSON.parse(localStorage.getItem("wop:dismissed-jobs")!)).toEqual(["fail-1"]);
  });

  it("retries a failed job", async () => {
    serve([failed]);
    api.retryJob.mockResolvedValue({ task_id: "fail-2", status: "pending", retry_of: "fail-1" });
    render(<JobsMenu />);
    fireEvent.click(screen.getByRole("button", { name: /^Jobs/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Try AI reply again" }));
    await waitFor(() => expect(api.retryJob).toHaveBeenCalledWith("fail-1"));
  });

  it("closes with Escape", async () => {
    serve([]);
    render(<JobsMenu />);
    fireEvent.click(screen.getByRole("button", { name: /^Jobs/ }));
    expect(await screen.findByText("Nothing is running, and nothing failed lately.")).toBeTruthy();
    fireEvent.keyDown(document, { key: "Escape" });
    expect(screen.queryByRole("region", { name: "Your jobs" })).toBeNull();
  });
});
