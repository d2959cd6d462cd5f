import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { NodePreview } from "../types";
import Replies from "./Replies";

const api = vi.hoisted(() => ({ getNode: vi.fn(), getReplies: vi.fn() }));
vi.mock("../api/nodes", () => ({ getNode: api.getNode, getReplies: api.getReplies }));

const preview = (id: number, text: string, type = "user"): NodePreview => ({
  id,
  author: type === "llm" ? "gpt-test" : "ann",
  node_type: type,
  llm_model: type === "llm" ? "gpt-test" : null,
  privacy: "private",
  preview: text,
  deleted: false,
  created_at: null,
  child_count: 0,
  descendant_count: 0,
});

describe("Replies", () => {
  it("shows an AI reply in full, rendered, in place of its cut preview", async () => {
    api.getNode.mockResolvedValue({ id: 2, content: "The whole **answer**, every word of it." });
    render(<Replies nodes={[preview(1, "A person's reply…"), preview(2, "The whole **answer**, every…", "llm")]} />);
    const strong = await screen.findByText("answer");
    expect(strong.tagName).toBe("STRONG");
    expect(strong.closest("a")?.textContent).toContain("every word of it.");
    // Only the AI reply is loaded whole: a person's reply stays a preview that opens it.
    expect(api.getNode).toHaveBeenCalledTimes(1);
    expect(api.getNode).toHaveBeenCalledWith(2);
  });

  it("loads the replies after the first ones on demand, page by page", async () => {
    api.getReplies.mockResolvedValueOnce({ items: [preview(3, "Third.")], next: 3 });
    api.getReplies.mockResolvedValueOnce({ items: [preview(4, "Fourth.")], next: null });
    const first = [preview(1, "First."), preview(2, "Second.")];
    render(<Replies nodes={first} more={{ parentId: 9, total: 4, next: 2 }} />);
    expect(screen.getByRole("heading", { name: "Replies (4)" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Show more replies (2 more)" }));
    await screen.findByText("Third.");
    expect(api.getReplies).toHaveBeenLastCalledWith(9, 2);
    fireEvent.click(screen.getByRole("button", { name: "Show more replies (1 more)" }));
    await screen.findByText("Fourth.");
    expect(api.getReplies).toHaveBeenLastCalledWith(9, 3);
    expect(screen.queryByRole("button", { name: /Show more replies/ })).toBeNull();
  });
});
