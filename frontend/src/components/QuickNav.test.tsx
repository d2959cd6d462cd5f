import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ThreadCard } from "../types";

const api = vi.hoisted(() => ({ getMyThreads: vi.fn() }));
vi.mock("../api/threads", () => ({ getMyThreads: api.getMyThreads }));

import QuickNav from "./QuickNav";

const card = (id: number, preview: string): ThreadCard =>
  ({
    root: { id, preview, author: "ann", node_type: "user", privacy: "private", deleted: false },
    entry_count: 1,
    last_activity_at: "2026-01-02T10:00:00",
  }) as unknown as ThreadCard;

beforeAll(() => {
  // happy-dom's <dialog> may lack the modal methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute("open", "");
  };
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.removeAttribute("open");
  };
});

beforeEach(() => {
  window.history.replaceState(null, "", "/");
  api.getMyThreads.mockResolvedValue({ items: [card(1, "Apples in spring"), card(2, "Pears and apples"), card(3, "The river")], page: 1, per_page: 200, has_more: false });
});

describe("QuickNav", () => {
  it("filters one's threads as one types and opens the highlighted one on Enter", async () => {
    const onClose = vi.fn();
    render(<QuickNav onClose={onClose} />);
    const finder = screen.getByRole("combobox");
    expect(document.activeElement).toBe(finder);
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(3));
    fireEvent.change(finder, { target: { value: "apples" } });
    expect(screen.getAllByRole("option").map((o) => o.textContent)).toEqual([
      expect.stringContaining("Apples in spring"),
      expect.stringContaining("Pears and apples"),
    ]);
    fireEvent.keyDown(finder, { key: "ArrowDown" });
    expect(screen.getAllByRole("option")[1].getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(finder, { key: "Enter" });
    expect(onClose).toHaveBeenCalled();
    expect(window.location.pathname).toBe("/node/2");
  });

  it("says so when no thread has the words", async () => {
    render(<QuickNav onClose={vi.fn()} />);
    fireEvent.change(screen.getByRole("combobox"), { target: { value: "nothing like this" } });
    await screen.findByText("No thread has these words.");
  });
});
