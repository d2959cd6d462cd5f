import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Route } from "../router";

const api = vi.hoisted(() => ({ getConfig: vi.fn(), signup: vi.fn(), login: vi.fn() }));
vi.mock("../api/config", () => ({ getConfig: api.getConfig }));
vi.mock("../api/auth", () => ({ signup: api.signup, login: api.login }));

// The site's settings are fetched once per page load: each test loads the app's modules afresh.
async function authScreen(route: Route = { name: "dashboard" }) {
  vi.resetModules();
  const { default: AuthScreen } = await import("./AuthScreen");
  const onLoggedIn = vi.fn();
  render(<AuthScreen route={route} onLoggedIn={onLoggedIn} />);
  return onLoggedIn;
}

const config = (terms_required: boolean) => ({ default_privacy: "private", require_approval: terms_required, terms_required });

describe("AuthScreen", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    window.history.replaceState(null, "", "/");
    api.getConfig.mockResolvedValue(config(false));
  });

  it("shows a stranger what the site is and a sign-up form, with a way to log in", async () => {
    await authScreen();
    expect(screen.getByRole("region", { name: "What Write or Perish is" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Create account" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    expect(screen.getByRole("heading", { name: "Log in" })).toBeTruthy();
    expect(screen.queryByLabelText(/Email/)).toBeNull();
  });

  it("shows the login form to someone who has logged in on this browser", async () => {
    localStorage.setItem("wop:returning", "1");
    await authScreen();
    expect(screen.getByRole("heading", { name: "Log in" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Create an account" })).toBeTruthy();
  });

  it("opens the login form at /login even for a stranger, and goes to the journal once logged in", async () => {
    window.history.replaceState(null, "", "/login");
    api.login.mockResolvedValue({ id: 1, username: "ann" });
    const onLoggedIn = await authScreen({ name: "login" });
    expect(screen.getByRole("heading", { name: "Log in" })).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "ann" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "long enough" } });
    fireEvent.click(screen.getByRole("button", { name: "Log in" }));
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalled());
    expect(window.location.pathname).toBe("/");
  });

  it("asks to accept the terms when the site requires it, and sends the answer", async () => {
    api.getConfig.mockResolvedValue(config(true));
    api.signup.mockResolvedValue({ id: 1, username: "ann" });
    const onLoggedIn = await authScreen();
    const terms = await screen.findByRole("checkbox", { name: /accept the terms/ });
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "ann" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "long enough" } });
    fireEvent.click(terms);
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(onLoggedIn).toHaveBeenCalled());
    expect(api.signup).toHaveBeenCalledWith({ username: "ann", password: "long enough", email: undefined, accept_terms: true });
    expect(localStorage.getItem("wop:returning")).toBe("1");
  });

  it("says what is wrong next to each field the server refuses", async () => {
    const fields = { username: "Use 3 to 32 letters.", password: "Use at least 8 characters." };
    await authScreen();
    // The module the screen was loaded with, so that the error is one it recognises.
    const { ApiError } = await import("../api/client");
    api.signup.mockRejectedValue(new ApiError(422, "Invalid request: …", "validation_error", { fields }));
    fireEvent.change(screen.getByLabelText("Username"), { target: { value: "a" } });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    const username = screen.getByLabelText("Username");
    await waitFor(() => expect(username.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(username.getAttribute("aria-describedby")!)?.textContent).toBe("Use 3 to 32 letters.");
    expect(screen.getByText("Use at least 8 characters.")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
    expect((username as HTMLInputElement).value).toBe("a");
  });
});
