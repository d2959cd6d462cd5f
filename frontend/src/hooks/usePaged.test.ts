import { act, renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { Page } from "../types";
import { PER_PAGE, usePaged } from "./usePaged";

const page = (items: number[], n: number, hasMore: boolean): Page<number> => ({ items, page: n, per_page: PER_PAGE, has_more: hasMore });

describe("usePaged", () => {
  it("loads the first page, appends the next while the API says there is one, and reloads page one", async () => {
    const load = vi.fn(async ({ page: n }: { page: number }) => (n === 1 ? page([1, 2], 1, true) : page([3], 2, false)));
    const { result } = renderHook(() => usePaged(load));
    await waitFor(() => expect(result.current.items).toEqual([1, 2]));
    expect(result.current.hasMore).toBe(true);
    expect(load).toHaveBeenLastCalledWith({ page: 1, per_page: PER_PAGE });

    act(() => result.current.loadMore());
    expect(result.current.loading).toBe(true);
    await waitFor(() => expect(result.current.items).toEqual([1, 2, 3]));
    expect(load).toHaveBeenLastCalledWith({ page: 2, per_page: PER_PAGE });
    expect(result.current.hasMore).toBe(false);
    expect(result.current.loading).toBe(false);

    act(() => result.current.reload());
    await waitFor(() => expect(result.current.items).toEqual([1, 2]));
    expect(load).toHaveBeenLastCalledWith({ page: 1, per_page: PER_PAGE });
  });

  it("trusts has_more, not the page's length", async () => {
    const full = Array.from({ length: 5 }, (_, i) => i);
    const { result } = renderHook(() => usePaged(async () => page(full, 1, false), 5));
    await waitFor(() => expect(result.current.items).toHaveLength(5));
    expect(result.current.hasMore).toBe(false);
  });

  it("keeps what it has and shows the API's message when a page fails", async () => {
    const load = vi
      .fn()
      .mockResolvedValueOnce(page([1], 1, true))
      .mockRejectedValueOnce(new ApiError(503, "The database is not ready.", "unavailable"));
    const { result } = renderHook(() => usePaged(load));
    await waitFor(() => expect(result.current.items).toEqual([1]));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.error).toBe("The database is not ready."));
    expect(result.current.items).toEqual([1]);
    expect(result.current.loading).toBe(false);
  });

  it("drops an answer that arrives after a newer request", async () => {
    let answerOld: (p: Page<number>) => void = () => {};
    const load = vi
      .fn()
      .mockReturnValueOnce(new Promise<Page<number>>((done) => (answerOld = done)))
      .mockResolvedValueOnce(page([2], 1, false));
    const { result } = renderHook(() => usePaged(load));
    act(() => result.current.reload());
    await waitFor(() => expect(result.current.items).toEqual([2]));
    await act(async () => answerOld(page([1], 1, false)));
    expect(result.current.items).toEqual([2]);
  });
});
