import { pluralize } from "../format";
import { href } from "../router";
import type { NodePreview } from "../types";
import AuthorLine from "./AuthorLine";
import RelativeTime from "./RelativeTime";

/** A short view of an entry; the whole card opens it. */
export default function EntryPreview({ node }: { node: NodePreview }) {
  return (
    <a className={`preview card${node.node_type === "llm" ? " preview-ai" : ""}`} href={href.node(node.id)} data-node-id={node.id}>
      <AuthorLine author={node.author} model={node.llm_model} nodeType={node.node_type} privacy={node.privacy} aiExcluded={node.ai_excluded} />
      <p className={node.deleted ? "preview-text deleted" : "preview-text"}>{node.preview || "(empty)"}</p>
      <div className="preview-meta muted">
        <RelativeTime iso={node.created_at} />
        {node.descendant_count > 0 && <span>{pluralize(node.descendant_count, "reply", "replies")}</span>}
      </div>
    </a>
  );
}
