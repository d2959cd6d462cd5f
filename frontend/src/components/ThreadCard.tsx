// One thread of a journal: its root, how many entries it holds and when it last moved; the card
// opens the root.
import { pluralize } from "../format";
import { href } from "../router";
import type { ThreadCard as Card } from "../types";
import AuthorLine from "./AuthorLine";
import RelativeTime from "./RelativeTime";

export default function ThreadCard({ card }: { card: Card }) {
  const { root } = card;
  return (
    <a className="preview card thread-card" href={href.node(root.id)} data-node-id={root.id}>
      <AuthorLine author={root.author} model={root.llm_model} nodeType={root.node_type} privacy={root.privacy} aiExcluded={root.ai_excluded} />
      <p className={root.deleted ? "preview-text deleted" : "preview-text"}>{root.deleted ? "This entry was deleted." : root.preview || "(empty)"}</p>
      <div className="preview-meta muted">
        <span>{pluralize(card.entry_count, "entry", "entries")}</span>
        {card.last_activity_at && (
          <span>
            Latest <RelativeTime iso={card.last_activity_at} />
          </span>
        )}
      </div>
    </a>
  );
}
