import type { NodePreview } from "../types";
import EntryPreview from "./EntryPreview";
import ErrorMessage from "./ErrorMessage";

interface ListState {
  nodes: NodePreview[];
  error: string | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => void;
}

/** Entry previews with a "Load more" button for the next page. */
export default function EntryList({ list, empty }: { list: ListState; empty: string }) {
  return (
    <div className="entry-list">
      {list.nodes.map((node) => (
        <EntryPreview key={node.id} node={node} />
      ))}
      {!list.loading && !list.error && list.nodes.length === 0 && <p className="muted">{empty}</p>}
      <ErrorMessage message={list.error} />
      {list.loading && list.nodes.length === 0 && <p className="muted">Loading…</p>}
      {list.hasMore && (
        <button type="button" className="secondary" onClick={list.loadMore} disabled={list.loading}>
          {list.loading ? "Loading…" : "Load more"}
        </button>
      )}
    </div>
  );
}
