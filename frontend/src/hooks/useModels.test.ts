import { act, renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { ModelCatalog } from "../types";

const api = vi.hoisted(() => ({ listModels: vi.fn() }));
vi.mock("../api/models", () => api);

const catalog = (defaultId: string | null, usable: Record<string, boolean>): ModelCatalog => ({
  models: Object.entries(usable).map(([id, ok]) => ({ id, provider: "openai", display_name: id, usable: ok })),
  default: defaultId,
});

// The model list is fetched once per page load: each test loads the module afresh.
const fresh = async () => {
  vi.resetModules();
  return import("./useModels");
};

beforeEach(() => {
  api.listModels.mockReset();
});

describe("useModels", () => {
  it("asks once, however many components want the list", async () => {
    api.listModels.mockResolvedValue(catalog("a", { a: true }));
    const { useModels } = await fresh();
    const one = renderHook(() => useModels());
    const two = renderHook(() => useModels());
    await waitFor(() => expect(two.result.current.data?.default).toBe("a"));
    await waitFor(() => expect(one.result.current.data?.default).toBe("a"));
    expect(api.listModels).toHaveBeenCalledTimes(1);
  });

  it("says why the list is missing, and asks again next time", async () => {
    const { useModels } = await fresh();
    api.listModels.mockRejectedValueOnce(new ApiError(503, "Try again later.", "unavailable")).mockResolvedValue(catalog(null, { a: true }));
    const first = renderHook(() => useModels());
    await waitFor(() => expect(first.result.current.error).toBe("Try again later."));
    const second = renderHook(() => useModels());
    await waitFor(() => expect(second.result.current.data).not.toBeNull());
    expect(api.listModels).toHaveBeenCalledTimes(2);
  });
});

describe("useModelChoice", () => {
  it.each([
    ["the server's default when it is usable", catalog("b", { a: true, b: true }), "b"],
    ["the first usable model when the default is not set up", catalog("b", { a: false, b: false, c: true }), "c"],
    ["nothing when no model is set up", catalog("a", { a: false }), ""],
  ])("preselects %s", async (_, models, expected) => {
    api.listModels.mockResolvedValue(models);
    const { useModelChoice } = await fresh();
    const { result } = renderHook(() => useModelChoice());
    await waitFor(() => expect(result.current.catalog).not.toBeNull());
    expect(result.current.model).toBe(expected);
  });

  it("keeps the person's choice, even one made before the list arrived", async () => {
    let arrive: (c: ModelCatalog) => void = () => {};
    api.listModels.mockReturnValue(new Promise((done) => (arrive = done)));
    const { useModelChoice } = await fresh();
    const { result } = renderHook(() => useModelChoice());
    expect(result.current.model).toBe("");
    act(() => result.current.setModel("a"));
    await act(async () => arrive(catalog("b", { a: true, b: true })));
    expect(result.current.model).toBe("a");
  });
});
