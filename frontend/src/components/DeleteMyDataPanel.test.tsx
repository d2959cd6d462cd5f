import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";

const api = vi.hoisted(() => ({ deleteMyData: vi.fn() }));
vi.mock("../api/account", () => api);

import DeleteMyDataPanel from "./DeleteMyDataPanel";

describe("DeleteMyDataPanel", () => {
  it("deletes only once DELETE is typed, then says what went", async () => {
    api.deleteMyData.mockResolvedValue({ nodes: 2, ai_replies: 1, jobs: 3, profiles: 1 });
    render(<DeleteMyDataPanel />);
    const button = screen.getByRole<HTMLButtonElement>("button", { name: "Delete all my data" });
    const word = screen.getByLabelText("Type DELETE to confirm");
    expect(screen.getByText(/What stays: your account/)).toBeTruthy();

    fireEvent.change(word, { target: { value: "delete" } });
    expect(button.disabled).toBe(true);
    fireEvent.submit(button.closest("form")!);
    expect(api.deleteMyData).not.toHaveBeenCalled();

    fireEvent.change(word, { target: { value: "DELETE" } });
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    expect((await screen.findByRole("status")).textContent).toBe("Deleted 3 entries, 3 jobs and 1 profile.");
    expect(api.deleteMyData).toHaveBeenCalledTimes(1);
  });
});
