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
    let answer: () => void = () => undefined;
    api.savePreferences.mockImplementationOnce(() => new Promise((resolve) => (answer = () => resolve(prefs("dark")))));
    api.savePreferences.mockResolvedValue(prefs("system"));
    withAccount(<ThemePicker />);
    fireEvent.click(screen.getByRole("radio", { name: "Dark" }));
    expect(shown()).toBe("dark");
    expect(localStorage.getItem("wop:theme")).toBe("dark");
    expect((screen.getByRole("radio", { name: "Dark" }) as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(api.savePreferences).toHaveBeenCalledWith({ theme: "dark" }));
    fireEvent.click(screen.getByRole("radio", { name: "As the system" }));
    expect(shown()).toBeUndefined();
    // The second choice is sent once the first is saved, so the server ends with the last one.
    await act(async () => undefined);
    expect(api.savePreferences).toHaveBeenCalledTimes(1);
    answer();
    await waitFor(() => expect(api.savePreferences).toHaveBeenLastCalledWith({ theme: "system" }));
    expect(api.savePreferences).toHaveBeenCalledTimes(2);
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
