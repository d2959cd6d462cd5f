import { getFeed } from "../api/feed";
import { usePaged } from "../hooks/usePaged";
import EntryPreview from "./EntryPreview";
import Paged from "./Paged";

/** Everyone's public threads, newest first. */
export default function Feed() {
  const list = usePaged(getFeed);
  return (
    <main className="page">
      <h1 className="page-title">Feed</h1>
      <p className="muted lead">Public threads from every writer, newest first.</p>
      <Paged list={list} className="entry-list" empty="No public entries yet." render={(node) => <EntryPreview key={node.id} node={node} />} />
    </main>
  );
}
