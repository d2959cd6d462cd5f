import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { NodePreview } from "../types";
import Replies from "./Replies";

const api = vi.hoisted(() => ({ getNode: vi.fn() }));
vi.mock("../api/nodes", () => ({ getNode: api.getNode }));

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
});
