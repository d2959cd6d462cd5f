import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import { replyJob } from "../test/jobs";
import type { JobStatus } from "../types";
import { forgetDismissedCache } from "../jobs/dismissed";
import JobProgress from "./JobProgress";

const jobs = vi.hoisted(() => ({ getJob: vi.fn(), cancelJob: vi.fn(), retryJob: vi.fn() }));
vi.mock("../api/jobs", () => jobs);

beforeEach(() => {
  forgetDismissedCache(); // localStorage is emptied after each test
  jobs.getJob.mockReset();
  jobs.cancelJob.mockReset();
  jobs.retryJob.mockReset();
});

/** The card once it shows `status`. */
async function cardIn(status: JobStatus): Promise<HTMLElement> {
  const card = screen.getByRole("region", { name: "AI reply" });
  await waitFor(() => expect(card.dataset.status).toBe(status));
  return card;
}

const SLOW = 60_000; // no second poll during a test, unless it asks for one

describe("JobProgress", () => {
  it.each([
    ["pending", "Starting…", "40"],
    ["processing", "Asking the model", "40"],
  ] as const)("shows a %s job running, with its bar and Cancel", async (status, stage, percent) => {
    jobs.getJob.mockResolvedValue(replyJob(status));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn(status);
    expect(within(card).getByRole("status").textContent).toBe(status);
    expect(within(card).getByRole("progressbar").getAttribute("aria-valuenow")).toBe(percent);
    expect(card.textContent).toContain(stage);
    expect(within(card).getByRole("button", { name: "Cancel" })).toBeTruthy();
    expect(within(card).queryByRole("button", { name: "Try again" })).toBeNull();
    expect(jobs.getJob).toHaveBeenCalledWith("task-1");
  });

  it("shows a completed job full, with only Dismiss, with what it made, and says so once", async () => {
    const done = replyJob("completed", { progress: 90, result: { llm_node_id: 9, model: "test-gpt", total_tokens: 12 } });
    jobs.getJob.mockResolvedValue(done);
    const onCompleted = vi.fn();
    render(
      <JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} onCompleted={onCompleted}>
        <p>The reply is below.</p>
      </JobProgress>,
    );
    const card = await cardIn("completed");
    expect(within(card).getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    expect(within(card).queryAllByRole("button").map((b) => b.textContent)).toEqual(["Dismiss"]);
    expect(card.textContent).toContain("The reply is below.");
    await waitFor(() => expect(onCompleted).toHaveBeenCalledTimes(1)); // told in an effect, after the render
    expect(onCompleted).toHaveBeenCalledWith(done);
  });

  it("shows a failed job's message for the writer and no operator detail when none was sent", async () => {
    jobs.getJob.mockResolvedValue(replyJob("failed", { error: "The AI service is not available right now." }));
    const onStopped = vi.fn();
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} onStopped={onStopped} />);
    const card = await cardIn("failed");
    expect(within(card).getByRole("alert").textContent).toBe("The AI service is not available right now.");
    expect(within(card).queryByText("Details for administrators")).toBeNull();
    expect(within(card).getByRole("button", { name: "Try again" })).toBeTruthy();
    expect(within(card).queryByRole("button", { name: "Cancel" })).toBeNull();
    await waitFor(() => expect(onStopped).toHaveBeenCalledTimes(1)); // told in an effect, after the render
  });

  it("folds an administrator's error_detail away under a disclosure", async () => {
    jobs.getJob.mockResolvedValue(
      replyJob("failed", { error: "The AI service is not available right now.", error_detail: "The OpenAI API key was rejected." }),
    );
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("failed");
    expect(within(card).getByRole("alert").textContent).toBe("The AI service is not available right now.");
    const details = card.querySelector("details");
    expect(details?.querySelector("summary")?.textContent).toBe("Details for administrators");
    expect(details?.open).toBe(false);
    expect(details?.textContent).toContain("The OpenAI API key was rejected.");
  });

  it("says something a writer can act on when a failed job carries no message", async () => {
    jobs.getJob.mockResolvedValue(replyJob("failed"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("failed");
    expect(within(card).getByRole("alert").textContent).toBe("This did not finish. Try again.");
  });

  it("offers Try again for a cancelled job", async () => {
    jobs.getJob.mockResolvedValue(replyJob("cancelled"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("cancelled");
    expect(within(card).getByRole("button", { name: "Try again" })).toBeTruthy();
    expect(within(card).queryByRole("alert")).toBeNull();
  });

  it("follows a job until it finishes", async () => {
    jobs.getJob
      .mockResolvedValueOnce(replyJob("pending"))
      .mockResolvedValueOnce(replyJob("processing"))
      .mockResolvedValue(replyJob("completed"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={5} />);
    await cardIn("completed");
    expect(jobs.getJob).toHaveBeenCalledTimes(3);
  });

  it("Cancel asks the API to cancel this job, then looks again at once", async () => {
    jobs.getJob.mockResolvedValueOnce(replyJob("processing")).mockResolvedValue(replyJob("cancelled"));
    jobs.cancelJob.mockResolvedValue(replyJob("processing", { cancel_requested: true }));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("processing");
    fireEvent.click(within(card).getByRole("button", { name: "Cancel" }));
    await cardIn("cancelled");
    expect(jobs.cancelJob).toHaveBeenCalledWith("task-1");
    expect(jobs.getJob).toHaveBeenCalledTimes(2);
  });

  it("shows a cancel on its way, and does not offer it twice", async () => {
    jobs.getJob.mockResolvedValue(replyJob("processing", { cancel_requested: true }));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("processing");
    expect(card.textContent).toContain("Cancelling…");
    expect((within(card).getByRole("button", { name: "Cancel" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("Try again starts a new job through the API and follows that one", async () => {
    jobs.getJob.mockImplementation(async (id: string) =>
      id === "task-1" ? replyJob("failed", { error: "It broke." }) : replyJob("completed", { task_id: id, retry_of: "task-1" }),
    );
    jobs.retryJob.mockResolvedValue({ task_id: "task-2", status: "pending", retry_of: "task-1" });
    const onRetried = vi.fn();
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} onRetried={onRetried} />);
    const card = await cardIn("failed");
    fireEvent.click(within(card).getByRole("button", { name: "Try again" }));
    await cardIn("completed");
    expect(jobs.retryJob).toHaveBeenCalledWith("task-1");
    expect(jobs.getJob).toHaveBeenLastCalledWith("task-2");
    expect(card.dataset.taskId).toBe("task-2");
    expect(onRetried).toHaveBeenCalledWith("task-2");
  });

  it("shows the API's message when a button's request fails", async () => {
    jobs.getJob.mockResolvedValue(replyJob("failed", { error: "It broke." }));
    jobs.retryJob.mockRejectedValue(new ApiError(409, "This job can no longer be retried.", "conflict"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("failed");
    fireEvent.click(within(card).getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(card.textContent).toContain("This job can no longer be retried."));
    expect(card.dataset.taskId).toBe("task-1");
  });

  it("stops asking once the API says the job is not there, and says why", async () => {
    jobs.getJob.mockRejectedValue(new ApiError(404, "No such task.", "not_found"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={5} />);
    await screen.findByText("No such task.");
    await new Promise((done) => setTimeout(done, 50));
    expect(jobs.getJob).toHaveBeenCalledTimes(1);
  });

  it("keeps asking while the server cannot be reached", async () => {
    jobs.getJob
      .mockRejectedValueOnce(new ApiError(0, "Could not reach the server.", "unreachable"))
      .mockResolvedValue(replyJob("completed"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={5} />);
    await cardIn("completed");
    expect(screen.queryByText("Could not reach the server.")).toBeNull();
  });

  it("counts attempts after the first", async () => {
    jobs.getJob.mockResolvedValue(replyJob("processing", { attempts: 2, max_attempts: 3 }));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("processing");
    expect(card.textContent).toContain("(attempt 2 of 3)");
  });

  it("dismisses a finished card, and it stays dismissed after a reload", async () => {
    jobs.getJob.mockResolvedValue(replyJob("failed", { error: "No." }));
    const first = render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("failed");
    fireEvent.click(within(card).getByRole("button", { name: "Dismiss: AI reply" }));
    expect(screen.queryByRole("region", { name: "AI reply" })).toBeNull();
    expect(JSON.parse(localStorage.getItem("wop:dismissed-jobs")!)).toEqual(["task-1"]);
    first.unmount();

    forgetDismissedCache(); // as a new page load
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    await waitFor(() => expect(jobs.getJob).toHaveBeenCalledTimes(2));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole("region", { name: "AI reply" })).toBeNull();
  });

  it("cannot dismiss a running job", async () => {
    localStorage.setItem("wop:dismissed-jobs", JSON.stringify(["task-1"]));
    forgetDismissedCache();
    jobs.getJob.mockResolvedValue(replyJob("processing"));
    render(<JobProgress taskId="task-1" label="AI reply" intervalMs={SLOW} />);
    const card = await cardIn("processing");
    expect(within(card).queryByRole("button", { name: /Dismiss/ })).toBeNull();
  });
});
