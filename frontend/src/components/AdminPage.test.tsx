import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Job, User } from "../types";

const api = vi.hoisted(() => ({ listUsers: vi.fn(), changeUser: vi.fn(), failedJobs: vi.fn(), getReadiness: vi.fn(), retryJob: vi.fn() }));
vi.mock("../api/admin", () => api);
vi.mock("../api/jobs", () => ({ retryJob: api.retryJob }));
// The Operations section has tests of its own (OperationsPanel.test.tsx): here it waits forever.
vi.mock("../api/operations", () => ({ getOperations: () => new Promise(() => {}), setQueuePaused: () => Promise.resolve() }));

import AdminPage from "./AdminPage";

const me = { id: 1, username: "root", is_admin: true } as User;
const page = <T,>(items: T[]) => ({ items, page: 1, per_page: 50, has_more: false });
const failed = { task_id: "t1", kind: "llm_reply", error: "The AI service is not available.", error_detail: "Check OPENAI_API_KEY.", attempts: 3, max_attempts: 3, created_at: null, finished_at: null } as Job;

describe("AdminPage", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listUsers.mockResolvedValue(page([me, { id: 2, username: "newbie", approved: false, active: true } as User]));
    api.failedJobs.mockResolvedValue(page([failed]));
    api.getReadiness.mockResolvedValue({ status: "ready", checks: { workers: { ok: true, workers: { "celery@box": ["llm", "media"] } } }, queues: { llm: 2, media: 0 } });
  });

  it("approves an account waiting for it and never offers to deactivate oneself", async () => {
    api.changeUser.mockResolvedValue({});
    render(<AdminPage me={me} />);
    const row = (await screen.findByText("newbie")).closest("tr")!;
    expect(within(row).getByText("waiting for approval")).toBeTruthy();
    api.listUsers.mockResolvedValue(page([me, { id: 2, username: "newbie", approved: true, active: true } as User]));
    fireEvent.click(within(row).getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(within(row).queryByRole("button", { name: "Approve" })).toBeNull());
    expect(api.changeUser).toHaveBeenCalledWith(2, "approve");
    const mine = screen.getByText("root").closest("tr")!;
    expect(within(mine).queryByRole("button", { name: "Deactivate" })).toBeNull();
  });

  it("shows failed jobs with their detail and retries one", async () => {
    api.retryJob.mockResolvedValue({ task_id: "t2", status: "pending", retry_of: "t1" });
    render(<AdminPage me={me} />);
    expect(await screen.findByText("The AI service is not available.")).toBeTruthy();
    expect(screen.getByText("Check OPENAI_API_KEY.")).toBeTruthy();
    api.failedJobs.mockResolvedValue(page([]));
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByText("No job has failed.")).toBeTruthy();
    expect(api.retryJob).toHaveBeenCalledWith("t1");
  });

  it("shows the workers and each queue's length", async () => {
    render(<AdminPage me={me} />);
    expect(await screen.findByText("celery@box: llm, media")).toBeTruthy();
    const llm = screen.getByText("llm").closest("tr")!;
    expect(within(llm).getByText("2")).toBeTruthy();
  });
});
