// The replies under an entry, oldest first; each opens its own branch. An AI reply is shown in
// full, in place: one being written where it will stand, growing as the model writes it; once
// saved it stays there, whole, in place of its preview.
import { useEffect, useState } from "react";
import { getNode } from "../api/nodes";
import { pluralize } from "../format";
import { useLiveJob } from "../hooks/useEvents";
import { href } from "../router";
import type { Node, NodePreview, Privacy } from "../types";
import AuthorLine from "./AuthorLine";
import RelativeTime from "./RelativeTime";
import EntryPreview from "./EntryPreview";
import Markdown from "./Markdown";

interface Props {
  nodes: NodePreview[];
  /** An AI reply job to show as it is written. */
  writing?: string | null;
  /** The privacy a reply gets: its parent's. */
  privacy?: Privacy;
}

interface Fresh {
  text: string;
  model: string | null;
  /** The saved reply, once the job completed. */
  node: Node | null;
}

function useFreshReply(taskId: string | null): Fresh | null {
  const { job, text } = useLiveJob(taskId);
  if (!job || job.kind !== "llm_reply") return null;
  const model = job.params?.model ?? null;
  if (job.status === "completed") {
    const node = job.result?.node;
    return node ? { text: node.content, model, node } : null;
  }
  if (job.status === "failed" || job.status === "cancelled") return null;
  return text ? { text, model, node: null } : null; // nothing to show before the first words
}

function FreshReply({ reply, privacy }: { reply: Fresh; privacy?: Privacy }) {
  const { node } = reply;
  return (
    <a
      className="preview card preview-ai fresh-reply"
      href={node ? href.node(node.id) : undefined}
      data-node-id={node?.id}
      aria-busy={!node}
    >
      <AuthorLine author={node?.author ?? null} model={node?.llm_model ?? reply.model} nodeType="llm" privacy={node?.privacy ?? privacy} />
      <Markdown inLink className="preview-text" text={reply.text} />
      <div className="preview-meta muted">{node ? <RelativeTime iso={node.created_at} /> : <span>Writing…</span>}</div>
    </a>
  );
}

/** The whole text of an AI reply listed as a preview (previews are cut short). */
function useWholeText(node: NodePreview): string {
  const [whole, setWhole] = useState<string | null>(null);
  const cut = node.preview.endsWith("…");
  useEffect(() => {
    if (!cut) return;
    let live = true;
    getNode(node.id).then(
      (full) => live && setWhole(full.content),
      () => undefined, // the preview stays
    );
    return () => {
      live = false;
    };
  }, [node.id, cut]);
  return whole ?? node.preview;
}

function AIReply({ node }: { node: NodePreview }) {
  const text = useWholeText(node);
  return (
    <a className="preview card preview-ai" href={href.node(node.id)} data-node-id={node.id}>
      <AuthorLine author={node.author} model={node.llm_model} nodeType={node.node_type} privacy={node.privacy} />
      <Markdown inLink className="preview-text" text={text} />
      <div className="preview-meta muted">
        <RelativeTime iso={node.created_at} />
        {node.descendant_count > 0 && <span>{pluralize(node.descendant_count, "reply", "replies")}</span>}
      </div>
    </a>
  );
}

export default function Replies({ nodes, writing = null, privacy }: Props) {
  const fresh = useFreshReply(writing);
  const freshId = fresh?.node?.id;
  const listed = freshId !== undefined && nodes.some((n) => n.id === freshId);
  // One key for the fresh reply wherever it stands, so it is the same element before and after
  // the entry is loaded again with the reply among its children.
  const items = nodes.map((node) =>
    fresh && node.id === freshId ? (
      <FreshReply key="fresh" reply={fresh} privacy={privacy} />
    ) : node.node_type === "llm" && !node.deleted ? (
      <AIReply key={node.id} node={node} />
    ) : (
      <EntryPreview key={node.id} node={node} />
    ),
  );
  if (fresh && !listed) items.push(<FreshReply key="fresh" reply={fresh} privacy={privacy} />);
  return (
    <section className="replies" aria-label="Replies">
      <h2>{items.length ? `Replies (${items.length})` : "No replies yet"}</h2>
      {items}
    </section>
  );
}
