import type { NodePreview } from "../types";
import EntryPreview from "./EntryPreview";

/** The replies under an entry, oldest first; each opens its own branch. */
export default function Replies({ nodes }: { nodes: NodePreview[] }) {
  return (
    <section className="replies" aria-label="Replies">
      <h2>{nodes.length ? `Replies (${nodes.length})` : "No replies yet"}</h2>
      {nodes.map((node) => (
        <EntryPreview key={node.id} node={node} />
      ))}
    </section>
  );
}
