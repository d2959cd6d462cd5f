import { href } from "../router";
import { isHidden, type HiddenNode, type NodePreview } from "../types";

/** The thread above an entry, root first. */
export default function Breadcrumbs({ ancestors }: { ancestors: (NodePreview | HiddenNode)[] }) {
  if (ancestors.length === 0) return null;
  return (
    <nav className="thread" aria-label="Thread">
      <ol>
        {ancestors.map((a) =>
          isHidden(a) ? (
            <li key={a.id} className="thread-item hidden-entry">
              <span className="muted">A private entry</span>
            </li>
          ) : (
            <li key={a.id} className="thread-item">
              <a href={href.node(a.id)}>
                <span className="thread-author">{a.node_type === "llm" ? a.llm_model || a.author : a.author}</span>
                <span className="thread-text">{a.preview}</span>
              </a>
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}
