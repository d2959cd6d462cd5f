import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DraftOwner } from "../hooks/useDraft";
import { chooseTheme } from "../theme";
import ThemePicker, { AccountTheme } from "./ThemePicker";

const api = vi.hoisted(() => ({ getPreferences: vi.fn(), savePreferences: vi.fn() }));
vi.mock("../api/account", () => api);

const prefs = (theme: string | null) => ({ default_model: null, default_privacy: null, default_ai_excluded: false, theme });
const shown = () => document.documentElement.dataset.theme;
let owner = 100; // the preferences are asked for once per account: each test is another account

beforeEach(() => {
  api.getPreferences.mockReset();
  api.savePreferences.mockReset();
  chooseTheme("system");
  owner += 1;
});

function withAccount(children: ReactNode) {
  return render(<DraftOwner value={owner}>{children}</DraftOwner>);
}

describe("the theme", () => {
  it("is shown at once when picked, and kept in this browser and with the account", async () => {
    api.getPreferences.mockResolvedValue(prefs(null));
    api.savePreferences.mockResolvedValue(prefs("dark"));
    withAccount(<ThemePicker />);
    fireEvent.click(screen.getByRole("radio", { name: "Dark" }));
    expect(shown()).toBe("dark");
    expect(localStorage.getItem("wop:theme")).toBe("dark");
    expect(api.savePreferences).toHaveBeenCalledWith({ theme: "dark" });
    expect((screen.getByRole("radio", { name: "Dark" }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByRole("radio", { name: "As the system" }));
    expect(shown()).toBeUndefined();
    expect(api.savePreferences).toHaveBeenLastCalledWith({ theme: "system" });
  });

  it("that the account keeps is applied on a browser that had none, and the picker shows it", async () => {
    api.getPreferences.mockResolvedValue(prefs("dark"));
    withAccount(
      <>
        <AccountTheme />
        <ThemePicker />
      </>,
    );
    await waitFor(() => expect(shown()).toBe("dark"));
    expect(localStorage.getItem("wop:theme")).toBe("dark"); // the next page load paints it at once
    expect((screen.getByRole("radio", { name: "Dark" }) as HTMLInputElement).checked).toBe(true);
    expect(api.savePreferences).not.toHaveBeenCalled();
  });

  it("is left as this browser has it when the account never chose one", async () => {
    chooseTheme("light");
    api.getPreferences.mockResolvedValue(prefs(null));
    withAccount(<AccountTheme />);
    await waitFor(() => expect(api.getPreferences).toHaveBeenCalled());
    await act(async () => {
      await api.getPreferences.mock.results[0].value; // the answer arrived and was acted on
    });
    expect(shown()).toBe("light");
  });

  it("stays in this browser, saying so, when the server cannot keep it", async () => {
    api.savePreferences.mockRejectedValue(new Error("Could not reach the server."));
    render(<ThemePicker />);
    fireEvent.click(screen.getByRole("radio", { name: "Light" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Kept in this browser only: Could not reach the server.");
    expect(shown()).toBe("light");
  });
});
