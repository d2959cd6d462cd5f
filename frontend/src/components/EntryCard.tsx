// The entry itself, with edit and delete (after a confirmation) for its author.
import { useRef, useState, type KeyboardEvent } from "react";
import { deleteNode } from "../api/nodes";
import { useAction } from "../hooks/useAction";
import { pluralize } from "../format";
import { href } from "../router";
import type { NodeDetail } from "../types";
import AuthorLine from "./AuthorLine";
import RelativeTime from "./RelativeTime";
import ConfirmDialog from "./ConfirmDialog";
import EntryEditor from "./EntryEditor";
import Markdown from "./Markdown";
import VersionsPanel from "./VersionsPanel";

interface Props {
  node: NodeDetail;
  /** Text to show instead of the stored content while it is being made (a transcript part by part). */
  liveContent?: string | null;
  isAuthor: boolean;
  onSaved: (node: NodeDetail) => void;
  onDeleted: () => void;
}

/** From this length on, the author's actions stand at the top: on a phone the end of a long
 * entry is many screens away. */
export const LONG_ENTRY_CHARS = 1500;

export default function EntryCard({ node, liveContent, isAuthor, onSaved, onDeleted }: Props) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [showVersions, setShowVersions] = useState(false);
  const { busy, error, setError, run } = useAction();
  const versionsButton = useRef<HTMLButtonElement>(null);

  // Escape closes the versions panel and puts focus back on the button that opened it.
  const closeVersionsOnEscape = (event: KeyboardEvent) => {
    if (event.key !== "Escape") return;
    event.preventDefault();
    setShowVersions(false);
    versionsButton.current?.focus();
  };

  const remove = async () => {
    await run(async () => {
      await deleteNode(node.id);
      onDeleted();
    });
  };

  const actions = isAuthor && !node.deleted && !editing && (
    <span className="entry-actions">
      <button type="button" className="secondary small" onClick={() => setEditing(true)}>
        Edit
      </button>
      <button ref={versionsButton} type="button" className="secondary small" aria-expanded={showVersions} onClick={() => setShowVersions(!showVersions)}>
        Versions
      </button>
      <button
        type="button"
        className="secondary small"
        onClick={() => {
          setError(null);
          setConfirming(true);
        }}
      >
        Delete
      </button>
    </span>
  );
  const actionsOnTop = (liveContent ?? node.content ?? "").length >= LONG_ENTRY_CHARS;

  return (
    <article className="entry card" data-node-id={node.id}>
      <header className="entry-head">
        <AuthorLine
          author={node.author}
          model={node.llm_model}
          nodeType={node.node_type}
          privacy={node.privacy}
          aiExcluded={node.ai_excluded}
        />
        <RelativeTime className="muted" iso={node.created_at} />
        {actionsOnTop && actions}
      </header>
      {editing ? (
        <EntryEditor
          node={node}
          onSaved={(n) => {
            setEditing(false);
            onSaved(n);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <Markdown className={node.deleted ? "entry-content deleted" : "entry-content"} text={liveContent ?? node.content} />
      )}
      {node.linked_node && (
        <p className="linked">
          Links to <a href={href.node(node.linked_node.id)}>{node.linked_node.preview}</a>
        </p>
      )}
      <footer className="entry-foot">
        <span className="muted">
          {pluralize(node.token_count, "token")}
          {node.distributed_tokens > 0 && ` · ${pluralize(node.distributed_tokens, "AI token")} credited`}
        </span>
        {!actionsOnTop && actions}
      </footer>
      {showVersions && isAuthor && !editing && (
        <div onKeyDown={closeVersionsOnEscape}>
          <VersionsPanel
            node={node}
            onRestored={(n) => {
              setShowVersions(false);
              onSaved(n);
            }}
            onClose={() => setShowVersions(false)}
          />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title="Delete this entry?"
          confirmLabel="Delete entry"
          busyLabel="Deleting…"
          busy={busy}
          error={error}
          onConfirm={remove}
          onClose={() => setConfirming(false)}
        >
          <p>It will no longer be shown to anyone. Replies to it stay where they are.</p>
        </ConfirmDialog>
      )}
    </article>
  );
}
