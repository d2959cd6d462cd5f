import { act, renderHook, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";

const api = vi.hoisted(() => ({ getDraft: vi.fn(), saveDraft: vi.fn(), deleteDraft: vi.fn() }));
vi.mock("../api/drafts", () => api);

import { DraftOwner, SERVER_DELAY_MS, clearDrafts, useDraft } from "./useDraft";

const none = () => Promise.reject(new ApiError(404, "No draft here.", "not_found"));

const as = (owner: number | null) =>
  function Owner({ children }: { children: ReactNode }) {
    return <DraftOwner value={owner}>{children}</DraftOwner>;
  };

describe("useDraft", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.getDraft.mockImplementation(none);
    api.saveDraft.mockResolvedValue({});
    api.deleteDraft.mockResolvedValue(undefined);
  });
  afterEach(() => vi.useRealTimers());

  it("takes the server's draft when this browser has none", async () => {
    api.getDraft.mockResolvedValue({ place: "reply:5", content: "written on my phone", updated_at: null });
    const { result } = renderHook(() => useDraft("reply:5"), { wrapper: as(1) });
    await waitFor(() => expect(result.current[0]).toBe("written on my phone"));
    expect(api.getDraft).toHaveBeenCalledWith("reply:5");
    expect(api.saveDraft).not.toHaveBeenCalled();
  });

  it("keeps this browser's own draft over the server's and sends it there", async () => {
    localStorage.setItem("wop:draft:1:new", "typed here");
    api.getDraft.mockResolvedValue({ place: "new", content: "older, elsewhere", updated_at: null });
    const { result } = renderHook(() => useDraft("new"), { wrapper: as(1) });
    await waitFor(() => expect(api.saveDraft).toHaveBeenCalledWith("new", "typed here"));
    expect(result.current[0]).toBe("typed here");
  });

  it("sends the text once typing pauses, and deletes the server's draft when cleared", async () => {
    vi.useFakeTimers();
    const { result } = renderHook(() => useDraft("new"), { wrapper: as(1) });
    act(() => result.current[1]("a"));
    act(() => result.current[1]("ab"));
    expect(api.saveDraft).not.toHaveBeenCalled();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(SERVER_DELAY_MS);
    });
    expect(api.saveDraft.mock.calls).toEqual([["new", "ab"]]);
    act(() => result.current[2]());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(SERVER_DELAY_MS);
    });
    expect(api.deleteDraft).toHaveBeenCalledWith("new");
    expect(api.saveDraft).toHaveBeenCalledTimes(1);
  });

  it("sends what is unsent when the box goes away", async () => {
    const { result, unmount } = renderHook(() => useDraft("reply:9"), { wrapper: as(1) });
    act(() => result.current[1]("leaving now"));
    unmount();
    await waitFor(() => expect(api.saveDraft).toHaveBeenCalledWith("reply:9", "leaving now"));
  });

  it("never asks the server without an owner", () => {
    renderHook(() => useDraft("new"), { wrapper: as(null) });
    expect(api.getDraft).not.toHaveBeenCalled();
  });

  it("keeps its owner's text across a reload, under the place it was written", () => {
    const first = renderHook(() => useDraft("reply:5"), { wrapper: as(1) });
    act(() => first.result.current[1]("half a thought"));
    expect(localStorage.getItem("wop:draft:1:reply:5")).toBe("half a thought");
    first.unmount();

    const again = renderHook(() => useDraft("reply:5"), { wrapper: as(1) });
    expect(again.result.current[0]).toBe("half a thought");
    const elsewhere = renderHook(() => useDraft("new"), { wrapper: as(1) });
    expect(elsewhere.result.current[0]).toBe("");
  });

  it("shows one account's draft to no other", () => {
    const alice = renderHook(() => useDraft("new"), { wrapper: as(1) });
    act(() => alice.result.current[1]("about the neighbours"));
    const bob = renderHook(() => useDraft("new"), { wrapper: as(2) });
    expect(bob.result.current[0]).toBe("");
  });

  it("keeps nothing without an owner", () => {
    const { result } = renderHook(() => useDraft("new"), { wrapper: as(null) });
    act(() => result.current[1]("in memory only"));
    expect(result.current[0]).toBe("in memory only");
    expect(localStorage.length).toBe(0);
  });

  it("stores an edit only while it differs from the text it started from", () => {
    const { result } = renderHook(() => useDraft("edit:3", "as saved"), { wrapper: as(1) });
    expect(result.current[0]).toBe("as saved");
    expect(localStorage.getItem("wop:draft:1:edit:3")).toBeNull();
    act(() => result.current[1]("as changed"));
    expect(localStorage.getItem("wop:draft:1:edit:3")).toBe("as changed");
    act(() => result.current[1]("as saved"));
    expect(localStorage.getItem("wop:draft:1:edit:3")).toBeNull();
  });

  it("forgets the text once cleared (when the server has it)", () => {
    const { result } = renderHook(() => useDraft("new"), { wrapper: as(1) });
    act(() => result.current[1]("sent"));
    act(() => result.current[2]());
    expect(result.current[0]).toBe("");
    expect(localStorage.getItem("wop:draft:1:new")).toBeNull();
  });

  it("clearDrafts forgets one owner's drafts and any without an owner, and keeps the others'", () => {
    localStorage.setItem("wop:draft:1:new", "alice's");
    localStorage.setItem("wop:draft:1:reply:4", "alice's reply");
    localStorage.setItem("wop:draft:2:new", "bob's");
    localStorage.setItem("wop:draft:new", "from before drafts had owners");
    localStorage.setItem("something:else", "not a draft");
    clearDrafts(1);
    expect(Object.keys({ ...localStorage }).sort()).toEqual(["something:else", "wop:draft:2:new"]);
  });
});
