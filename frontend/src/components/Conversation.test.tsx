import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Conversation as Thread, ThreadEntry } from "../types";
import Conversation, { PART } from "./Conversation";

const api = vi.hoisted(() => ({ getThread: vi.fn() }));
vi.mock("../api/threads", () => ({ getThread: api.getThread }));

function entry(id: number, content: string, extra: Partial<ThreadEntry> = {}): ThreadEntry {
  return {
    id,
    user_id: 1,
    author: "ann",
    parent_id: id > 1 ? id - 1 : null,
    linked_node_id: null,
    node_type: "user",
    llm_model: null,
    privacy: "private",
    content,
    deleted: false,
    token_count: 1,
    distributed_tokens: 0,
    audio_original_url: null,
    audio_mime_type: null,
    audio_duration_seconds: null,
    tts_url: null,
    created_at: "2026-01-01T00:00:00",
    updated_at: null,
    children_count: 1,
    siblings: { ids: [id], index: 0 },
    ...extra,
  } as ThreadEntry;
}

function thread(entries: ThreadEntry[], more: Partial<Thread> = {}): Thread {
  return { node_id: entries[entries.length - 1].id, depth: entries.length, has_earlier: false, earlier: null, entries, children: [], children_next: null, ...more };
}

beforeEach(() => {
  api.getThread.mockReset();
  window.history.replaceState(null, "", "/");
});

describe("Conversation", () => {
  it("shows every entry above the entry in full, as Markdown, an AI reply among them", async () => {
    const long = "word ".repeat(300);
    api.getThread.mockResolvedValue(
      thread([
        entry(1, `The **root** entry. ${long}`),
        entry(2, "An AI answer in full", { node_type: "llm", llm_model: "gpt-test", author: "gpt-test" } as Partial<ThreadEntry>),
        entry(3, "The entry itself"),
      ]),
    );
    render(<Conversation id={3} />);
    await screen.findByText("root");
    expect(screen.getByText("root").tagName).toBe("STRONG");
    expect(screen.getByText("An AI answer in full")).toBeTruthy();
    // The entry itself is shown by the entry card, not here.
    expect(screen.queryByText("The entry itself")).toBeNull();
    expect(api.getThread).toHaveBeenCalledWith(3, { limit: PART });

    // The long root starts folded, and unfolds.
    const more = screen.getByRole("button", { name: "Show more" });
    expect(document.querySelector(".folded")).not.toBeNull();
    fireEvent.click(more);
    expect(document.querySelector(".folded")).toBeNull();
    expect(screen.getByRole("button", { name: "Show less" }).getAttribute("aria-expanded")).toBe("true");
  });

  it("loads earlier parts of a deep thread on demand, above what is shown", async () => {
    api.getThread.mockResolvedValueOnce(thread([entry(60, "sixty"), entry(61, "sixty-one")], { depth: 61, has_earlier: true, earlier: 60 }));
    api.getThread.mockResolvedValueOnce(thread([entry(58, "fifty-eight"), entry(59, "fifty-nine")], { depth: 61, has_earlier: false, earlier: null }));
    render(<Conversation id={61} />);
    fireEvent.click(await screen.findByRole("button", { name: "Show earlier (59 more)" }));
    await screen.findByText("fifty-eight");
    expect(api.getThread).toHaveBeenLastCalledWith(61, { limit: PART, before: 60 });
    const texts = [...document.querySelectorAll(".thread-text")].map((t) => t.textContent);
    expect(texts).toEqual(["fifty-eight", "fifty-nine", "sixty"]);
    expect(screen.queryByRole("button", { name: /Show earlier/ })).toBeNull();
  });

  it("switches between sibling branches where the thread forks", async () => {
    api.getThread.mockResolvedValue(thread([entry(1, "root", { children_count: 3 }), entry(5, "mine", { siblings: { ids: [4, 5, 9], index: 1 } })]));
    render(<Conversation id={5} />);
    const branches = await screen.findByRole("navigation", { name: "Branches of this entry" });
    expect(branches.textContent).toContain("Branch 2 of 3");
    fireEvent.click(screen.getByRole("button", { name: "Next branch" }));
    expect(window.location.pathname).toBe("/node/9");
    fireEvent.click(screen.getByRole("button", { name: "Previous branch" }));
    expect(window.location.pathname).toBe("/node/4");
  });

  it("keeps a private entry's place without its text, and says a deleted one was deleted", async () => {
    api.getThread.mockResolvedValue(
      thread([
        { id: 1, hidden: true },
        { id: 2, deleted: true, parent_id: 1, author: "bo", node_type: "user", created_at: null, children_count: 1, siblings: { ids: [2], index: 0 } },
        entry(3, "mine"),
      ]),
    );
    render(<Conversation id={3} />);
    await screen.findByText("A private entry");
    expect(screen.getByText("This entry was deleted.")).toBeTruthy();
  });

  it("shows nothing for a thread's root with no branches beside it", async () => {
    api.getThread.mockResolvedValue(thread([entry(1, "alone")]));
    const { container } = render(<Conversation id={1} />);
    await waitFor(() => expect(api.getThread).toHaveBeenCalled());
    expect(container.querySelector(".thread")).toBeNull();
  });
});
