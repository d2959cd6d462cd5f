import { fireEvent, render, screen, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Operations } from "../api/operations";

const api = vi.hoisted(() => ({ getOperations: vi.fn(), setQueuePaused: vi.fn() }));
vi.mock("../api/operations", () => api);

import OperationsPanel from "./OperationsPanel";

function operations(paused: boolean): Operations {
  return {
    queues: [
      { name: "llm", waiting: 3, running: 1, failed_24h: 2, messages: 3, paused },
      { name: "audio", waiting: 0, running: 0, failed_24h: 0, messages: 0, paused: false },
    ],
    kinds: [
      { kind: "llm_reply", completed: 9, failed: 1, cancelled: 0, success_rate: 0.9, median_seconds: 1.25, p95_seconds: 4 },
    ],
    workers: {
      ok: true,
      list: [
        {
          name: "celery@box",
          queues: ["audio", "llm"],
          current_jobs: [{ id: "j1", kind: "llm_reply" }],
          processes: 2,
          memory_bytes: 200 * 1024 * 1024,
          max_rss_bytes: 150 * 1024 * 1024,
        },
      ],
    },
    redis: { ok: true, used_memory_bytes: 2 * 1024 * 1024, maxmemory_bytes: null, maxmemory_policy: "noeviction" },
    oldest_pending: { id: "j2", kind: "llm_reply", queue: "llm", age_seconds: 42 },
  };
}

describe("OperationsPanel", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.getOperations.mockResolvedValue(operations(false));
  });

  it("shows queues, job kinds, workers, Redis and the oldest waiting job", async () => {
    render(<OperationsPanel />);
    const llm = (await screen.findByText("llm", { selector: "th" })).closest("tr")!;
    expect(within(llm).getAllByRole("cell").map((cell) => cell.textContent)).toEqual(
      expect.arrayContaining(["3", "1", "2", "running"]),
    );
    const replies = screen.getByText("llm_reply", { selector: "th" }).closest("tr")!;
    expect(within(replies).getByText("90 %")).toBeTruthy();
    expect(within(replies).getByText("1.3 s")).toBeTruthy();
    expect(within(replies).getByText("4.0 s")).toBeTruthy();
    const worker = screen.getByText("celery@box").closest("li")!;
    expect(worker.textContent).toContain("200.0 MiB");
    expect(worker.textContent).toContain("running llm_reply");
    expect(screen.getByText(/Memory used 2.0 MiB \(no limit\)/)).toBeTruthy();
    expect(screen.getByText(/llm_reply on llm, waiting 42.0 s/)).toBeTruthy();
  });

  it("pauses a queue and shows it paused, then resumes it", async () => {
    api.setQueuePaused.mockResolvedValue({ queue: "llm", paused: true });
    render(<OperationsPanel />);
    api.getOperations.mockResolvedValue(operations(true));
    fireEvent.click(await screen.findByRole("button", { name: "Pause the llm queue" }));
    const resume = await screen.findByRole("button", { name: "Resume the llm queue" });
    expect(api.setQueuePaused).toHaveBeenCalledWith("llm", true);
    expect(within(resume.closest("tr")!).getByText("paused")).toBeTruthy();
    api.getOperations.mockResolvedValue(operations(false));
    fireEvent.click(resume);
    await screen.findByRole("button", { name: "Pause the llm queue" });
    expect(api.setQueuePaused).toHaveBeenLastCalledWith("llm", false);
  });

  it("says what went wrong when the answer is an error", async () => {
    api.getOperations.mockRejectedValue(new Error("Administrators only."));
    render(<OperationsPanel />);
    expect(await screen.findByText("Administrators only.")).toBeTruthy();
  });
});
