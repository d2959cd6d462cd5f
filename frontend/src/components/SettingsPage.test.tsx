import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ApiToken, User } from "../types";

const api = vi.hoisted(() => ({
  getPreferences: vi.fn(),
  savePreferences: vi.fn(),
  listTokens: vi.fn(),
  createToken: vi.fn(),
  revokeToken: vi.fn(),
  logoutEverywhere: vi.fn(),
  listModels: vi.fn(),
  listSessions: vi.fn(async () => [] as unknown[]),
  endSession: vi.fn(),
  changePassword: vi.fn(),
  changeEmail: vi.fn(),
  deleteMyData: vi.fn(),
}));
vi.mock("../api/account", () => api);
vi.mock("../api/models", () => ({ listModels: api.listModels }));

const user = { id: 1, username: "ann", email: "ann@example.com" } as User;
const token = (id: number, name: string, revoked = false): ApiToken => ({ id, name, created_at: null, last_used_at: null, revoked });

// The model list is fetched once per page load: each test loads the app's modules afresh.
async function settings(onLoggedOut = vi.fn()) {
  vi.resetModules();
  const { default: SettingsPage } = await import("./SettingsPage");
  render(<SettingsPage user={user} onLoggedOut={onLoggedOut} />);
  return onLoggedOut;
}

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.listModels.mockResolvedValue({ default: "gpt-test", models: [{ id: "gpt-test", provider: "fake", display_name: "GPT test", usable: true }] });
  api.getPreferences.mockResolvedValue({ default_model: null, default_privacy: null, default_ai_excluded: null });
  api.listTokens.mockResolvedValue([]);
});

describe("SettingsPage", () => {
  it("saves the defaults chosen, the server's default as null", async () => {
    api.savePreferences.mockImplementation(async (p: object) => p);
    await settings();
    const privacy = (await screen.findByLabelText("New threads are visible to")) as HTMLSelectElement;
    fireEvent.change(privacy, { target: { value: "public" } });
    fireEvent.click(screen.getByLabelText("Keep my new entries away from AI"));
    fireEvent.click(screen.getByRole("button", { name: "Save defaults" }));
    await screen.findByText("Saved.");
    expect(api.savePreferences).toHaveBeenCalledWith({ default_model: null, default_privacy: "public", default_ai_excluded: true });
  });

  it("creates a token with a name and the password, shows its secret once, and lists it", async () => {
    api.createToken.mockResolvedValue("s3cret-token");
    await settings();
    await screen.findByText("You have no API tokens.");
    api.listTokens.mockResolvedValue([token(4, "backup script")]);
    fireEvent.change(screen.getByLabelText("Token name"), { target: { value: " backup script " } });
    fireEvent.change(screen.getByLabelText("Your password"), { target: { value: "pw pw pw pw" } });
    fireEvent.click(screen.getByRole("button", { name: "Create token" }));
    expect((await screen.findByLabelText("New token")).textContent).toBe("s3cret-token");
    expect(api.createToken).toHaveBeenCalledWith({ username: "ann", password: "pw pw pw pw", name: "backup script" });
    const list = await screen.findByRole("list", { name: "Your API tokens" });
    expect(list.textContent).toContain("backup script");
    expect((screen.getByLabelText("Your password") as HTMLInputElement).value).toBe("");
  });

  it("revokes a token after asking", async () => {
    api.listTokens.mockResolvedValue([token(4, "old script")]);
    api.revokeToken.mockResolvedValue(undefined);
    await settings();
    fireEvent.click(await screen.findByRole("button", { name: "Revoke old script" }));
    api.listTokens.mockResolvedValue([token(4, "old script", true)]);
    const dialog = screen.getByRole("alertdialog", { name: "Revoke this token?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke token" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Revoke old script" })).toBeNull());
    expect(api.revokeToken).toHaveBeenCalledWith(4);
    expect(screen.getByRole("list", { name: "Your API tokens" }).textContent).toContain("revoked");
  });

  it("logs out everywhere after asking, then leaves the account", async () => {
    api.logoutEverywhere.mockResolvedValue(undefined);
    const onLoggedOut = await settings();
    fireEvent.click(screen.getByRole("button", { name: "Log out everywhere" }));
    const dialog = screen.getByRole("alertdialog", { name: "Log out everywhere?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Log out everywhere" }));
    await waitFor(() => expect(onLoggedOut).toHaveBeenCalled());
    expect(api.logoutEverywhere).toHaveBeenCalled();
  });

  it("lists the sessions and ends another one", async () => {
    const seen = new Date().toISOString();
    const here = { id: 1, created_at: seen, last_seen_at: seen, user_agent: "Firefox", ip: "10.0.0.1", current: true };
    const phone = { ...here, id: 2, user_agent: "Phone", current: false };
    api.listSessions.mockResolvedValue([here, phone]);
    api.endSession.mockResolvedValue(undefined);
    await settings();
    const list = await screen.findByRole("list", { name: "Your sessions" });
    expect(list.textContent).toContain("this browser");
    api.listSessions.mockResolvedValue([here]);
    fireEvent.click(within(list).getByRole("button", { name: "End session" }));
    await waitFor(() => expect(within(list).queryByRole("button", { name: "End session" })).toBeNull());
    expect(api.endSession).toHaveBeenCalledWith(2);
  });

  it("changes the password, refusing a short one before asking the server", async () => {
    api.changePassword.mockResolvedValue(undefined);
    await settings();
    fireEvent.change(screen.getByLabelText("Current password"), { target: { value: "correct horse battery" } });
    fireEvent.change(screen.getByLabelText("New password"), { target: { value: "short" } });
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Use at least 8 characters.");
    expect(api.changePassword).not.toHaveBeenCalled();
    fireEvent.change(screen.getByLabelText("New password"), { target: { value: "a much longer one" } });
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));
    await screen.findByText(/Password changed/);
    expect(api.changePassword).toHaveBeenCalledWith("correct horse battery", "a much longer one");
  });
});
