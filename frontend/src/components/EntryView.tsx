// One entry: its thread above, the text, voice and read-aloud, the AI, its replies and a reply box.
import { useCallback, useEffect, useState } from "react";
import { api, messageOf } from "../api";
import { navigate } from "../router";
import type { NodeDetail, User } from "../types";
import AskAI from "./AskAI";
import Breadcrumbs from "./Breadcrumbs";
import Composer from "./Composer";
import EntryCard from "./EntryCard";
import ErrorMessage from "./ErrorMessage";
import ReadAloud from "./ReadAloud";
import Replies from "./Replies";
import VoicePanel from "./VoicePanel";

interface Props {
  id: number;
  me: User;
}

export default function EntryView({ id, me }: Props) {
  const [node, setNode] = useState<NodeDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    api.get<NodeDetail>(`/api/nodes/${id}`).then(
      (data) => {
        setNode(data);
        setError(null);
      },
      (err) => setError(messageOf(err)),
    );
  }, [id]);

  useEffect(load, [load]);

  if (!node) {
    return (
      <main className="page">
        {error ? <ErrorMessage message={error} /> : <p className="muted">Loading…</p>}
      </main>
    );
  }

  const deleted = () => navigate(node.parent_id ? `/node/${node.parent_id}` : "/");

  return (
    <main className="page entry-page">
      <Breadcrumbs ancestors={node.ancestors} />
      <ErrorMessage message={error} />
      <EntryCard node={node} isAuthor={node.user_id === me.id} onSaved={setNode} onDeleted={deleted} />
      {node.audio_original_url && <VoicePanel node={node} onTranscribed={load} />}
      {!node.deleted && (
        <div className="tools card">
          <AskAI nodeId={node.id} onReply={load} />
          {!node.audio_original_url && <ReadAloud nodeId={node.id} />}
        </div>
      )}
      <Replies nodes={node.children} />
      <Composer parentId={node.id} onCreated={load} placeholder="Write a reply…" submitLabel="Reply" />
    </main>
  );
}
