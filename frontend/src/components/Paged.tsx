import type { ReactNode } from "react";
import type { PagedList } from "../hooks/usePaged";
import ErrorMessage from "./ErrorMessage";

interface Props<T> {
  list: PagedList<T>;
  /** One item, with its own `key`. */
  render: (item: T) => ReactNode;
  /** What to say when the list has nothing. */
  empty: string;
  className?: string;
}

/** A list fetched page by page (usePaged), with a "Load more" button while another page follows. */
export default function Paged<T>({ list, render, empty, className }: Props<T>) {
  return (
    <div className={className}>
      {list.items.map(render)}
      {!list.loading && !list.error && list.items.length === 0 && <p className="muted">{empty}</p>}
      <ErrorMessage message={list.error} />
      {list.loading && list.items.length === 0 && <p className="muted">Loading…</p>}
      {list.hasMore && (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading}>
          {list.loading ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
