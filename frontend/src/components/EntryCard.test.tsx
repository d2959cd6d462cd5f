import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { NodeDetail } from "../types";

const api = vi.hoisted(() => ({ listVersions: vi.fn(async () => []), restoreVersion: vi.fn(), deleteNode: vi.fn() }));
vi.mock("../api/nodes", () => api);
vi.mock("../api/drafts", () => ({ getDraft: vi.fn(() => new Promise(() => undefined)), saveDraft: vi.fn(), deleteDraft: vi.fn() }));

import EntryCard, { LONG_ENTRY_CHARS } from "./EntryCard";

const node = {
  id: 7,
  content: "the quick red fox",
  parent_id: null,
  privacy: "private",
  node_type: "user",
  author: "ann",
  created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
  token_count: 4,
  distributed_tokens: 0,
  deleted: false,
} as unknown as NodeDetail;

describe("EntryCard", () => {
  it("closes the versions panel on Escape and puts focus back on its button", async () => {
    render(<EntryCard node={node} isAuthor onSaved={vi.fn()} onDeleted={vi.fn()} />);
    const versions = screen.getByRole("button", { name: "Versions" });
    fireEvent.click(versions);
    expect(versions.getAttribute("aria-expanded")).toBe("true");
    await waitFor(() => expect(api.listVersions).toHaveBeenCalled());
    fireEvent.keyDown(screen.getByRole("region", { name: "Earlier versions" }), { key: "Escape" });
    expect(versions.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(versions);
  });

  it("puts the author's actions at the top of a long entry, and at the end of a short one", () => {
    const long = { ...node, content: "word ".repeat(LONG_ENTRY_CHARS / 5) };
    const { unmount } = render(<EntryCard node={long} isAuthor onSaved={vi.fn()} onDeleted={vi.fn()} />);
    expect(screen.getByRole("button", { name: "Edit" }).closest("header")).not.toBeNull();
    expect(screen.getAllByRole("button", { name: "Edit" })).toHaveLength(1);
    unmount();
    render(<EntryCard node={node} isAuthor onSaved={vi.fn()} onDeleted={vi.fn()} />);
    expect(screen.getByRole("button", { name: "Edit" }).closest("footer")).not.toBeNull();
  });

  it("says how long ago a recent entry was written, with the full date on hover", () => {
    render(<EntryCard node={node} isAuthor={false} onSaved={vi.fn()} onDeleted={vi.fn()} />);
    const time = document.querySelector("time")!;
    expect(time.textContent).toBe("5 min. ago");
    expect(time.getAttribute("title")).toMatch(/\d{4}/);
  });
});
