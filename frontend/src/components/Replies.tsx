// The replies under an entry, oldest first; each opens its own branch. An AI reply is shown in
// full, in place: one being written where it will stand, growing as the model writes it; once
// saved it stays there, whole, in place of its preview. An entry with many replies comes with the
// first ones; the rest are loaded on demand.
import { useEffect, useState } from "react";
import { getNode, getReplies } from "../api/nodes";
import { pluralize } from "../format";
import { useAction } from "../hooks/useAction";
import { useLiveJob } from "../hooks/useEvents";
import { href } from "../router";
import type { Node, NodePreview, Privacy } from "../types";
import AuthorLine from "./AuthorLine";
import RelativeTime from "./RelativeTime";
import EntryPreview from "./EntryPreview";
import ErrorMessage from "./ErrorMessage";
import Markdown from "./Markdown";

interface Props {
  /** The first replies (the entry's `children`). */
  nodes: NodePreview[];
  /** The entry replied to, its replies in all and the `after` of those not in `nodes`, when some are not. */
  more?: { parentId: number; total: number; next: number | null };
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

/** The replies loaded after the first ones, and the `after` of the rest; both start again with new first replies. */
function useLaterReplies(nodes: NodePreview[], more: Props["more"]) {
  const next = more?.next ?? null;
  const [later, setLater] = useState<{ items: NodePreview[]; next: number | null }>({ items: [], next });
  useEffect(() => setLater({ items: [], next }), [nodes, next]);
  const loading = useAction();
  const loadMore = () =>
    loading.run(async () => {
      if (!more || later.next === null) return;
      const page = await getReplies(more.parentId, later.next);
      setLater({ items: [...later.items, ...page.items], next: page.next });
    });
  const shown = new Set(nodes.map((n) => n.id));
  return { items: later.items.filter((n) => !shown.has(n.id)), next: later.next, loadMore, loading };
}

export default function Replies({ nodes: first, more, writing = null, privacy }: Props) {
  const later = useLaterReplies(first, more);
  const nodes = [...first, ...later.items];
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
  const total = Math.max(more?.total ?? 0, items.length);
  return (
    <section className="replies" aria-label="Replies">
      <h2>{total ? `Replies (${total})` : "No replies yet"}</h2>
      {items}
      {later.next !== null && (
        <button type="button" className="secondary small show-more-replies" onClick={later.loadMore} disabled={later.loading.busy}>
          {later.loading.busy ? "Loading…" : `Show more replies (${total - items.length} more)`}
        </button>
      )}
      <ErrorMessage message={later.loading.error} />
    </section>
  );
}
