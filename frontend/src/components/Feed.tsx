import { usePaged } from "../hooks/usePaged";
import type { NodePreview } from "../types";
import EntryList from "./EntryList";

/** Everyone's public threads, newest first. */
export default function Feed() {
  const list = usePaged<{ nodes: NodePreview[] }>("/api/feed");
  return (
    <main className="page">
      <h1 className="page-title">Feed</h1>
      <p className="muted lead">Public threads from every writer, newest first.</p>
      <EntryList list={list} empty="No public entries yet." />
    </main>
  );
}
