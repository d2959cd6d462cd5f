// One entry: its thread above, the text, voice and read-aloud, the AI, its replies and a reply box.
import { useCallback, useEffect, useState } from "react";
import { ApiError, messageOf } from "../api/client";
import { getNode } from "../api/nodes";
import { knownParent, rememberParents } from "../knownParents";
import { navigate } from "../router";
import type { NodeDetail, User } from "../types";
import AskAI from "./AskAI";
import Breadcrumbs from "./Breadcrumbs";
import Composer from "./Composer";
import EntryCard from "./EntryCard";
import EntryGone from "./EntryGone";
import ErrorMessage from "./ErrorMessage";
import ReadAloud from "./ReadAloud";
import Replies from "./Replies";
import VoicePanel from "./VoicePanel";

interface Props {
  id: number;
  me: User;
}

/** `deleted` (410): the entry was deleted; `not_found` (404): there is none, or the caller may not read it. */
type Gone = { deleted: boolean; parentId: number | null };

function goneFrom(err: unknown, id: number): Gone | null {
  if (!(err instanceof ApiError) || (err.code !== "deleted" && err.code !== "not_found")) return null;
  const parentId = typeof err.body.parent_id === "number" ? err.body.parent_id : knownParent(id);
  return { deleted: err.code === "deleted", parentId };
}

function keptFromAINote(isAuthor: boolean): string {
  return isAuthor
    ? "You keep this entry away from AI, so no AI model reads it or replies to it. Edit the entry to change that."
    : "Its author keeps this entry away from AI, so no AI model reads it or replies to it.";
}

export default function EntryView({ id, me }: Props) {
  const [node, setNode] = useState<NodeDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState<Gone | null>(null);

  const show = useCallback((data: NodeDetail) => {
    rememberParents(data);
    setNode(data);
  }, []);

  const load = useCallback(() => {
    getNode(id).then(
      (data) => {
        show(data);
        setGone(null);
        setError(null);
      },
      (err) => {
        setGone(goneFrom(err, id));
        setError(messageOf(err));
      },
    );
  }, [id, show]);

  useEffect(load, [load]);

  if (gone) return <EntryGone deleted={gone.deleted} parentId={gone.parentId} />;
  if (!node) {
    return (
      <main className="page">
        {error ? <ErrorMessage message={error} /> : <p className="muted">Loading…</p>}
      </main>
    );
  }

  const deleted = () => navigate(node.parent_id ? `/node/${node.parent_id}` : "/");
  const isAuthor = node.user_id === me.id;

  return (
    <main className="page entry-page">
      <Breadcrumbs ancestors={node.ancestors} />
      <ErrorMessage message={error} />
      <EntryCard node={node} isAuthor={isAuthor} onSaved={show} onDeleted={deleted} />
      {node.audio_original_url && <VoicePanel node={node} onTranscribed={load} />}
      {!node.deleted && (
        <div className="tools card">
          <AskAI
            nodeId={node.id}
            onReply={load}
            keptFromAI={node.ai_excluded ? keptFromAINote(isAuthor) : undefined}
          />
          {!node.audio_original_url && <ReadAloud nodeId={node.id} />}
        </div>
      )}
      <Replies nodes={node.children} />
      <Composer parentId={node.id} onCreated={load} placeholder="Write a reply…" submitLabel="Reply" />
    </main>
  );
}
