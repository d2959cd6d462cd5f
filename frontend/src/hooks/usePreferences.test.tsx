import { fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ModelCatalog, Preferences, SiteConfig } from "../types";

const api = vi.hoisted(() => ({ getPreferences: vi.fn(), getConfig: vi.fn(), createNode: vi.fn(), listModels: vi.fn() }));
vi.mock("../api/drafts", () => ({ getDraft: vi.fn(() => new Promise(() => undefined)), saveDraft: vi.fn(), deleteDraft: vi.fn() }));
vi.mock("../api/account", () => ({ getPreferences: api.getPreferences }));
vi.mock("../api/config", () => ({ getConfig: api.getConfig }));
vi.mock("../api/nodes", () => ({ createNode: api.createNode, createVoiceNode: vi.fn() }));
vi.mock("../api/models", () => ({ listModels: api.listModels }));
vi.mock("../recording/api", () => ({ openRecordings: vi.fn(async () => []) })); // no unfinished recordings

const prefs = (p: Partial<Preferences>): Preferences => ({ default_model: null, default_privacy: null, default_ai_excluded: null, ...p });
const config = { default_privacy: "private", require_approval: false, max_upload_mb: 50, max_audio_minutes: 60, tts_max_chars: 5000 } as SiteConfig;

// Fetched once per account and page load: each test loads the app's modules afresh.
async function modules() {
  vi.resetModules();
  const { DraftOwner } = await import("./useDraft");
  const wrapper = ({ children }: { children: ReactNode }) => <DraftOwner value={7}>{children}</DraftOwner>;
  return { wrapper, Composer: (await import("../components/Composer")).default, hooks: await import("./usePreferences"), models: await import("./useModels") };
}

function write(text: string) {
  fireEvent.change(screen.getByLabelText("New entry"), { target: { value: text } });
  fireEvent.click(screen.getByRole("button", { name: "Save entry" }));
}

beforeEach(() => {
  for (const fn of Object.values(api)) fn.mockReset();
  api.getConfig.mockResolvedValue(config);
  api.createNode.mockImplementation(async (entry: object) => ({ id: 1, ...entry }));
});

describe("the writer's defaults", () => {
  it("start a new entry at the writer's privacy and keep-away-from-AI choice", async () => {
    api.getPreferences.mockResolvedValue(prefs({ default_privacy: "public", default_ai_excluded: true }));
    const { wrapper: Wrapper, Composer } = await modules();
    render(
      <Wrapper>
        <Composer onCreated={vi.fn()} />
      </Wrapper>,
    );
    await waitFor(() => expect((screen.getByLabelText("Visible to") as HTMLSelectElement).value).toBe("public"));
    expect((screen.getByLabelText("Keep away from AI") as HTMLInputElement).checked).toBe(true);
    write("Out loud, but not for machines.");
    await waitFor(() => expect(api.createNode).toHaveBeenCalledWith({ content: "Out loud, but not for machines.", ai_excluded: true, privacy: "public" }));
  });

  it("leave both to the server while the writer's defaults are not known", async () => {
    api.getPreferences.mockReturnValue(new Promise(() => {}));
    const { wrapper: Wrapper, Composer } = await modules();
    render(
      <Wrapper>
        <Composer onCreated={vi.fn()} />
      </Wrapper>,
    );
    write("Quick.");
    await waitFor(() => expect(api.createNode).toHaveBeenCalledWith({ content: "Quick.", ai_excluded: undefined, privacy: undefined }));
  });

  it("are replaced by what the settings page saved, and preselect the writer's model", async () => {
    api.getPreferences.mockResolvedValue(prefs({}));
    const catalog: ModelCatalog = {
      default: "a",
      models: ["a", "b"].map((id) => ({ id, provider: "openai", display_name: id, usable: true })),
    };
    api.listModels.mockResolvedValue(catalog);
    const { wrapper, hooks, models } = await modules();
    const first = renderHook(() => models.useModelChoice(), { wrapper });
    await waitFor(() => expect(first.result.current.model).toBe("a"));
    hooks.rememberPreferences(7, prefs({ default_model: "b" }));
    const later = renderHook(() => models.useModelChoice(), { wrapper });
    await waitFor(() => expect(later.result.current.model).toBe("b"));
    expect(api.getPreferences).toHaveBeenCalledTimes(1);
    expect(models.preferredModel(catalog, "gone")).toBe("a"); // a default no longer offered
  });
});
