import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { PagedList } from "../hooks/usePaged";
import Paged from "./Paged";

const list = (more: Partial<PagedList<string>>): PagedList<string> => ({
  items: [],
  error: null,
  loading: false,
  hasMore: false,
  loadMore: () => {},
  reload: () => {},
  ...more,
});
const item = (text: string) => <p key={text}>{text}</p>;

describe("Paged", () => {
  it("shows the items, and Load more while another page follows", () => {
    const loadMore = vi.fn();
    render(<Paged list={list({ items: ["one", "two"], hasMore: true, loadMore })} render={item} empty="Nothing yet." />);
    expect(screen.getByText("one")).toBeTruthy();
    expect(screen.getByText("two")).toBeTruthy();
    expect(screen.queryByText("Nothing yet.")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(loadMore).toHaveBeenCalledTimes(1);
  });

  it("offers no more on the last page", () => {
    render(<Paged list={list({ items: ["one"] })} render={item} empty="Nothing yet." />);
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("says the list is empty only once it has loaded", () => {
    const { rerender } = render(<Paged list={list({ loading: true })} render={item} empty="Nothing yet." />);
    expect(screen.getByText("Loading…")).toBeTruthy();
    expect(screen.queryByText("Nothing yet.")).toBeNull();
    rerender(<Paged list={list({})} render={item} empty="Nothing yet." />);
    expect(screen.getByText("Nothing yet.")).toBeTruthy();
  });

  it("shows the API's message and keeps the items it has", () => {
    render(<Paged list={list({ items: ["one"], error: "The database is not ready." })} render={item} empty="Nothing yet." />);
    expect(screen.getByRole("alert").textContent).toBe("The database is not ready.");
    expect(screen.getByText("one")).toBeTruthy();
  });
});
