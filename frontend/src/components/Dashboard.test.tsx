import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { NodePreview, ThreadCard } from "../types";
import Dashboard from "./Dashboard";

const api = vi.hoisted(() => ({ getMyThreads: vi.fn(), getDashboard: vi.fn() }));
vi.mock("../api/drafts", () => ({ getDraft: vi.fn(() => new Promise(() => undefined)), saveDraft: vi.fn(), deleteDraft: vi.fn() }));
vi.mock("../api/threads", () => ({ getMyThreads: api.getMyThreads }));
vi.mock("../api/dashboard", () => ({ getDashboard: api.getDashboard }));
vi.mock("../api/config", () => ({ getConfig: vi.fn(() => new Promise(() => undefined)) }));
vi.mock("../api/nodes", () => ({ createNode: vi.fn(), createVoiceNode: vi.fn() }));
vi.mock("../recording/api", () => ({ openRecordings: vi.fn(async () => []) })); // no unfinished recordings

const root = (id: number, preview: string, deleted = false): NodePreview => ({
  id,
  author: "ann",
  node_type: "user",
  llm_model: null,
  privacy: "private",
  preview,
  deleted,
  created_at: "2026-01-01T00:00:00",
  child_count: 0,
  descendant_count: 0,
});

const card = (id: number, preview: string, count: number, deleted = false): ThreadCard => ({
  root: root(id, preview, deleted),
  entry_count: count,
  last_activity_at: "2026-01-02T10:00:00",
});

describe("Dashboard", () => {
  it("lists one card per thread, in the order the server gives (newest activity first)", async () => {
    api.getDashboard.mockResolvedValue({ tokens_today: 1, tokens_all_time: 2, global_tokens_today: 3, global_daily_target: 100 });
    api.getMyThreads.mockResolvedValue({
      items: [card(7, "The busy thread", 30), card(3, "A quiet one", 1), card(2, "", 2, true)],
      page: 1,
      per_page: 20,
      has_more: false,
    });
    render(<Dashboard />);
    await screen.findByText("The busy thread");
    const cards = [...document.querySelectorAll(".entry-list a.thread-card")];
    expect(cards.map((c) => c.getAttribute("href"))).toEqual(["/node/7", "/node/3", "/node/2"]);
    expect(cards[0].textContent).toContain("30 entries");
    expect(cards[1].textContent).toContain("1 entry");
    expect(cards[0].querySelector("time")).not.toBeNull();
    expect(cards[2].textContent).toContain("This entry was deleted.");
    expect(screen.getByRole("heading", { name: "Your threads" })).toBeTruthy();
  });
});
