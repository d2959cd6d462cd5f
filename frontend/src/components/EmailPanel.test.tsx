import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { User } from "../types";
import EmailPanel, { BAD_EMAIL } from "./EmailPanel";

const api = vi.hoisted(() => ({ changeEmail: vi.fn() }));
vi.mock("../api/account", () => api);

const account = (email: string | null) => ({ id: 1, username: "ann", email }) as User;
const shown = () => screen.getByRole("region", { name: "E-mail" }).querySelector("p.muted")?.textContent;

beforeEach(() => {
  api.changeEmail.mockReset();
});

describe("EmailPanel", () => {
  it("shows the current address, saves a new one and says so", async () => {
    const onChanged = vi.fn();
    api.changeEmail.mockResolvedValue(account("new@example.com"));
    render(<EmailPanel current="old@example.com" onChanged={onChanged} />);
    expect(shown()).toBe("Your address is old@example.com.");
    const field = screen.getByLabelText("E-mail address") as HTMLInputElement;
    expect(field.value).toBe("old@example.com");
    fireEvent.change(field, { target: { value: " new@example.com " } });
    fireEvent.click(screen.getByRole("button", { name: "Save e-mail address" }));
    expect((await screen.findByRole("status")).textContent).toBe("E-mail address saved.");
    expect(api.changeEmail).toHaveBeenCalledWith("new@example.com");
    expect(shown()).toBe("Your address is new@example.com.");
    expect(onChanged).toHaveBeenCalledWith(account("new@example.com"));
  });

  it("explains a refused address next to the field in plain words and keeps the old one", async () => {
    const refusal = { error: "Invalid request", code: "invalid", fields: { email: "Use a valid e-mail address: An email address must have an @-sign." } };
    api.changeEmail.mockRejectedValue(new ApiError(422, refusal.error, "invalid", refusal));
    const onChanged = vi.fn();
    render(<EmailPanel current="old@example.com" onChanged={onChanged} />);
    const field = screen.getByLabelText("E-mail address");
    fireEvent.change(field, { target: { value: "not an address" } });
    fireEvent.click(screen.getByRole("button", { name: "Save e-mail address" }));
    const said = await screen.findByText(BAD_EMAIL);
    expect(field.getAttribute("aria-invalid")).toBe("true");
    expect(field.getAttribute("aria-describedby")).toBe(said.id);
    expect(screen.queryByText(/@-sign/)).toBeNull();
    expect(screen.queryByRole("status")).toBeNull();
    expect(shown()).toBe("Your address is old@example.com.");
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("shows any other failure as the server said it", async () => {
    api.changeEmail.mockRejectedValue(new ApiError(0, "Could not reach the server.", "unreachable"));
    render(<EmailPanel current={null} />);
    fireEvent.change(screen.getByLabelText("E-mail address"), { target: { value: "me@example.com" } });
    fireEvent.click(screen.getByRole("button", { name: "Save e-mail address" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Could not reach the server.");
    expect(screen.queryByText(BAD_EMAIL)).toBeNull();
  });

  it("removes the address", async () => {
    api.changeEmail.mockResolvedValue(account(null));
    render(<EmailPanel current="old@example.com" />);
    fireEvent.click(screen.getByRole("button", { name: "Remove e-mail address" }));
    expect((await screen.findByRole("status")).textContent).toBe("E-mail address removed.");
    expect(api.changeEmail).toHaveBeenCalledWith("");
    expect(shown()).toBe("You have no e-mail address here.");
    expect((screen.getByLabelText("E-mail address") as HTMLInputElement).value).toBe("");
    await waitFor(() => expect(screen.queryByRole("button", { name: "Remove e-mail address" })).toBeNull());
  });
});
