import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { NodeDetail } from "../types";

const api = vi.hoisted(() => ({ listVersions: vi.fn(), restoreVersion: vi.fn() }));
vi.mock("../api/nodes", () => api);

import VersionsPanel from "./VersionsPanel";

const node = { id: 7, content: "the quick red fox" } as NodeDetail;
const version = (id: number, content: string) => ({ id, node_id: 7, content, reason: "edit", created_at: null });

describe("VersionsPanel", () => {
  beforeEach(() => vi.resetAllMocks());

  it("shows the newest earlier version word by word against the current text, and restores it", async () => {
    api.listVersions.mockResolvedValue([version(1, "a slow dog"), version(2, "the quick brown fox")]);
    const restored = { ...node, content: "the quick brown fox" };
    api.restoreVersion.mockResolvedValue(restored);
    const onRestored = vi.fn();
    const { container } = render(<VersionsPanel node={node} onRestored={onRestored} onClose={() => undefined} />);

    await waitFor(() => expect(container.querySelector("del")?.textContent).toBe("brown"));
    expect(container.querySelector("ins")?.textContent).toBe("red");
    expect(container.querySelector(".text-diff")?.textContent).toBe("the quick brownred fox");

    fireEvent.click(screen.getByRole("button", { name: "Restore this version" }));
    await waitFor(() => expect(onRestored).toHaveBeenCalledWith(restored));
    expect(api.restoreVersion).toHaveBeenCalledWith(7, 2);
  });

  it("compares the version chosen from the list", async () => {
    api.listVersions.mockResolvedValue([version(1, "a slow dog"), version(2, "the quick brown fox")]);
    const { container } = render(<VersionsPanel node={node} onRestored={() => undefined} onClose={() => undefined} />);
    const buttons = await screen.findAllByRole("button", { pressed: false });
    fireEvent.click(buttons[0]);
    await waitFor(() => expect(container.querySelector(".text-diff del")?.textContent).toMatch(/slow/));
  });

  it("says so when the entry was never changed", async () => {
    api.listVersions.mockResolvedValue([]);
    render(<VersionsPanel node={node} onRestored={() => undefined} onClose={() => undefined} />);
    expect(await screen.findByText("This entry has not been changed since it was written.")).toBeTruthy();
  });
});
