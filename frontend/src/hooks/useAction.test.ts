import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import { useAction } from "./useAction";

describe("useAction", () => {
  it("is busy while the work runs, and has no error when it succeeds", async () => {
    const { result } = renderHook(() => useAction());
    let finish = () => {};
    let running!: Promise<void>;
    act(() => {
      running = result.current.run(() => new Promise<void>((done) => (finish = done)));
    });
    expect(result.current.busy).toBe(true);
    await act(async () => {
      finish();
      await running;
    });
    expect(result.current.busy).toBe(false);
    expect(result.current.error).toBeNull();
  });

  it("keeps the API's message when the work fails, and clears it on the next run", async () => {
    const { result } = renderHook(() => useAction());
    await act(() =>
      result.current.run(async () => {
        throw new ApiError(422, "Invalid request: content: too long", "invalid", { fields: { content: "too long" } });
      }),
    );
    expect(result.current.error).toBe("Invalid request: content: too long");
    expect(result.current.busy).toBe(false);
    await act(() => result.current.run(async () => {}));
    expect(result.current.error).toBeNull();
  });

  it("lets the caller clear the error", async () => {
    const { result } = renderHook(() => useAction());
    await act(() =>
      result.current.run(async () => {
        throw new Error("Nothing was recorded.");
      }),
    );
    expect(result.current.error).toBe("Nothing was recorded.");
    act(() => result.current.setError(null));
    expect(result.current.error).toBeNull();
  });
});
