import { fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { User } from "../types";
import NavBar from "./NavBar";

vi.mock("./JobsMenu", () => ({ default: () => <button type="button">Jobs</button> }));

const user = { id: 1, username: "ann" } as User;
// The links are followed by the app's router, not here.
const stay = (event: Event) => event.preventDefault();

function navBar() {
  render(<NavBar user={user} route={{ name: "dashboard" }} onLogout={vi.fn()} />);
  const button = screen.getByRole("button", { name: "Menu" });
  const menu = document.getElementById(button.getAttribute("aria-controls")!)!;
  return { button, menu };
}

beforeEach(() => {
  document.addEventListener("click", stay);
});
afterEach(() => {
  document.removeEventListener("click", stay);
});

describe("the header's Menu", () => {
  it("opens and closes the page links it controls", () => {
    const { button, menu } = navBar();
    expect(menu.querySelector('a[href="/settings"]')).toBeTruthy();
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(menu.classList.contains("open")).toBe(false);
    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(menu.classList.contains("open")).toBe(true);
    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("closes on Escape and gives the focus back to its button", () => {
    const { button, menu } = navBar();
    fireEvent.click(button);
    (menu.querySelector('a[href="/feed"]') as HTMLElement).focus();
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(button);
  });

  it("closes when a link in it is chosen", () => {
    const { button, menu } = navBar();
    fireEvent.click(button);
    fireEvent.click(menu.querySelector('a[href="/settings"]')!);
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("closes when something outside it is pressed, and stays open for a press inside", () => {
    const { button, menu } = navBar();
    fireEvent.click(button);
    fireEvent.pointerDown(menu);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    fireEvent.pointerDown(screen.getByRole("button", { name: "Write" }));
    expect(button.getAttribute("aria-expanded")).toBe("false");
  });

  it("keeps Write and the jobs menu outside it", () => {
    const { menu } = navBar();
    expect(menu.contains(screen.getByRole("button", { name: "Write" }))).toBe(false);
    expect(menu.contains(screen.getByRole("button", { name: "Jobs" }))).toBe(false);
  });
});
