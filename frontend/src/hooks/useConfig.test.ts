import { renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";

const api = vi.hoisted(() => ({ getConfig: vi.fn() }));
vi.mock("../api/config", () => api);

// Fetched once per page load: each test loads the module afresh.
const fresh = async () => {
  vi.resetModules();
  return import("./useConfig");
};

beforeEach(() => {
  api.getConfig.mockReset();
});

describe("useDefaultPrivacy", () => {
  it("is unknown until the server says, then the server's default", async () => {
    const { useDefaultPrivacy } = await fresh();
    api.getConfig.mockResolvedValue({ default_privacy: "public", require_approval: false, max_upload_mb: 50, max_audio_minutes: 60, tts_max_chars: 5000 });
    const { result } = renderHook(() => useDefaultPrivacy());
    expect(result.current).toBeNull();
    await waitFor(() => expect(result.current).toBe("public"));
  });

  it("is private when the server cannot be asked", async () => {
    const { useDefaultPrivacy } = await fresh();
    api.getConfig.mockRejectedValue(new ApiError(0, "Could not reach the server.", "unreachable"));
    const { result } = renderHook(() => useDefaultPrivacy());
    await waitFor(() => expect(result.current).toBe("private"));
  });
});
