import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { SiteConfig } from "../types";

const api = vi.hoisted(() => ({ getConfig: vi.fn(), createNode: vi.fn() }));
vi.mock("../api/drafts", () => ({ getDraft: vi.fn(() => new Promise(() => undefined)), saveDraft: vi.fn(), deleteDraft: vi.fn() }));
vi.mock("../api/config", () => ({ getConfig: api.getConfig }));
vi.mock("../api/nodes", () => ({ createNode: api.createNode, createVoiceNode: vi.fn() }));
vi.mock("../recording/api", () => ({ openRecordings: vi.fn(async () => []) })); // no unfinished recordings

const config = (privacy: SiteConfig["default_privacy"]): SiteConfig => ({
  default_privacy: privacy,
  require_approval: false,
  terms_required: false,
  max_upload_mb: 50,
  max_audio_minutes: 60,
  tts_max_chars: 5000,
});

// The site's settings are fetched once per page load: each test loads the app's modules afresh.
async function composer() {
  vi.resetModules();
  const { default: Composer } = await import("./Composer");
  const onCreated = vi.fn();
  render(<Composer onCreated={onCreated} />);
  return onCreated;
}

const privacy = () => screen.getByLabelText("Visible to") as HTMLSelectElement;

function write(text: string) {
  fireEvent.change(screen.getByLabelText("New entry"), { target: { value: text } });
  fireEvent.click(screen.getByRole("button", { name: "Save entry" }));
}

beforeEach(() => {
  api.getConfig.mockReset();
  api.createNode.mockReset();
  api.createNode.mockImplementation(async (entry: object) => ({ id: 1, ...entry }));
});

describe("Composer", () => {
  it.each(["public", "private"] as const)("starts a new thread at the server's default privacy (%s)", async (setting) => {
    api.getConfig.mockResolvedValue(config(setting));
    const onCreated = await composer();
    await waitFor(() => expect(privacy().value).toBe(setting));
    write("A thought.");
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(api.createNode).toHaveBeenCalledWith({ content: "A thought.", ai_excluded: false, privacy: setting });
  });

  it("sends the writer's own choice", async () => {
    api.getConfig.mockResolvedValue(config("public"));
    await composer();
    await waitFor(() => expect(privacy().value).toBe("public"));
    fireEvent.change(privacy(), { target: { value: "private" } });
    write("Just for me.");
    await waitFor(() => expect(api.createNode).toHaveBeenCalledWith({ content: "Just for me.", ai_excluded: false, privacy: "private" }));
  });

  it("leaves the choice to the server while its default is not known", async () => {
    api.getConfig.mockReturnValue(new Promise(() => {}));
    await composer();
    expect(privacy().disabled).toBe(true);
    write("Quick, before the settings arrive.");
    await waitFor(() => expect(api.createNode).toHaveBeenCalledWith({ content: "Quick, before the settings arrive.", ai_excluded: false, privacy: undefined }));
  });
});

describe("Composer keyboard", () => {
  it("saves on Ctrl+Enter and on Cmd+Enter, and not on a plain Enter", async () => {
    api.getConfig.mockResolvedValue(config("private"));
    const onCreated = await composer();
    const box = screen.getByLabelText("New entry");
    fireEvent.change(box, { target: { value: "first line" } });
    fireEvent.keyDown(box, { key: "Enter" });
    expect(api.createNode).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(1));
    expect(api.createNode.mock.calls[0][0]).toMatchObject({ content: "first line" });
    fireEvent.change(box, { target: { value: "second" } });
    fireEvent.keyDown(box, { key: "Enter", metaKey: true });
    await waitFor(() => expect(onCreated).toHaveBeenCalledTimes(2));
  });
});
