import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Profile } from "../types";

const api = vi.hoisted(() => ({
  getProfile: vi.fn(),
  listProfiles: vi.fn(),
  saveProfile: vi.fn(),
  estimateProfile: vi.fn(),
  generateProfile: vi.fn(),
  listModels: vi.fn(),
  latestProfileJob: vi.fn(),
  getJob: vi.fn(),
}));
vi.mock("../api/profile", () => api);
vi.mock("../api/models", () => ({ listModels: api.listModels }));
vi.mock("../api/jobs", () => ({ latestProfileJob: api.latestProfileJob, getJob: api.getJob }));
vi.mock("../api/account", () => ({ getPreferences: vi.fn(() => new Promise(() => undefined)) }));

const profile = (id: number, content: string, generated_by = "gpt-test"): Profile => ({
  id,
  content,
  generated_by,
  tokens_used: generated_by === "user" ? 0 : 120,
  created_at: `2025-01-0${id}T10:00:00`,
});
const page = (items: Profile[]) => ({ items, page: 1, per_page: 20, has_more: false });

async function panel() {
  vi.resetModules();
  const { default: ProfilePanel } = await import("./ProfilePanel");
  render(<ProfilePanel />);
}

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.listModels.mockResolvedValue({
    default: "gpt-test",
    models: [
      { id: "gpt-test", provider: "fake", display_name: "GPT test", usable: true },
      { id: "claude-test", provider: "fake", display_name: "Claude test", usable: true },
    ],
  });
  api.latestProfileJob.mockRejectedValue(new Error("none"));
});

describe("ProfilePanel", () => {
  it("shows the latest profile and the earlier ones below it", async () => {
    api.getProfile.mockResolvedValue(profile(2, "A **careful** writer."));
    api.listProfiles.mockResolvedValue(page([profile(2, "A **careful** writer."), profile(1, "An early portrait.", "user")]));
    await panel();
    expect((await screen.findByText("careful")).tagName).toBe("STRONG");
    const history = screen.getByRole("region", { name: "Earlier profiles" });
    await waitFor(() => expect(history.querySelectorAll("details")).toHaveLength(1));
    expect(history.textContent).toContain("Written by you");
    expect(history.textContent).toContain("An early portrait.");
    expect(history.textContent).not.toContain("careful");
  });

  it("edits the profile by hand; the one it replaces goes to the earlier ones", async () => {
    api.getProfile.mockResolvedValue(profile(2, "A careful writer."));
    api.listProfiles.mockResolvedValueOnce(page([profile(2, "A careful writer.")]));
    api.saveProfile.mockResolvedValue(profile(3, "Writes at dawn.", "user"));
    await panel();
    fireEvent.click(await screen.findByRole("button", { name: "Edit by hand" }));
    const box = screen.getByLabelText("Your profile") as HTMLTextAreaElement;
    expect(box.value).toBe("A careful writer.");
    fireEvent.change(box, { target: { value: "Writes at dawn." } });
    api.listProfiles.mockResolvedValue(page([profile(3, "Writes at dawn.", "user"), profile(2, "A careful writer.")]));
    fireEvent.click(screen.getByRole("button", { name: "Save profile" }));

    await waitFor(() => expect(api.saveProfile).toHaveBeenCalledWith("Writes at dawn."));
    expect(await screen.findByText("Writes at dawn.")).toBeTruthy();
    const history = screen.getByRole("region", { name: "Earlier profiles" });
    await waitFor(() => expect(history.textContent).toContain("A careful writer."));
    expect(screen.queryByLabelText("Your profile")).toBeNull();
  });

  it("regenerates with the model chosen", async () => {
    api.getProfile.mockResolvedValue(null);
    api.listProfiles.mockResolvedValue(page([]));
    api.generateProfile.mockResolvedValue({ task_id: "p-1", status: "pending", model: "claude-test" });
    api.getJob.mockReturnValue(new Promise(() => undefined));
    await panel();
    expect(await screen.findByText("You have no profile yet.")).toBeTruthy();
    const picker = (await screen.findByRole("combobox")) as HTMLSelectElement;
    await waitFor(() => expect(within(picker).getAllByRole("option").length).toBeGreaterThan(1));
    fireEvent.change(picker, { target: { value: "claude-test" } });
    fireEvent.click(screen.getByRole("button", { name: "Generate my profile" }));
    await waitFor(() => expect(api.generateProfile).toHaveBeenCalledWith("claude-test"));
  });
});
