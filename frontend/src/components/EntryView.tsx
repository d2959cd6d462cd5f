// One entry: its thread above as a conversation, the text, voice and read-aloud, the AI, its replies and a reply box.
// The jobs that change what it shows are followed here: an AI reply (written into the replies as
// it comes) and a transcription (the transcript grows in the entry, part by part).
import { useCallback, useEffect, useState } from "react";
import { ApiError, messageOf } from "../api/client";
import { latestReplyJob, latestTranscriptionJob } from "../api/jobs";
import { getNode } from "../api/nodes";
import { useEvents, useLiveJob } from "../hooks/useEvents";
import { useFollowedJob } from "../hooks/useFollowedJob";
import { knownParent, rememberParents } from "../knownParents";
import type { LiveJob } from "../live/jobs";
import { href, navigate } from "../router";
import { isFinished, type NodeDetail, type User } from "../types";
import AskAI from "./AskAI";
import Composer from "./Composer";
import Conversation from "./Conversation";
import EntryCard from "./EntryCard";
import EntryGone from "./EntryGone";
import ErrorMessage from "./ErrorMessage";
import ReadAloud from "./ReadAloud";
import Replies from "./Replies";
import VoicePanel from "./VoicePanel";

interface Props {
  id: number;
  /** Who reads; null for a visitor who is not logged in, who reads a public entry and its thread. */
  me: User | null;
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

/** A transcription that is not done yet, failed, or was cancelled leaves the placeholder text. */
const UNFINISHED = ["pending", "processing", "failed", "cancelled"] as const;

/** The transcript to show instead of the entry's text: the parts so far while the job runs, then
 * the whole transcript until the entry is loaded again with it (`reloaded`). */
export function transcriptShown({ job, parts }: LiveJob, reloaded: boolean): string | null {
  if (!job || job.kind !== "transcription") return null;
  if (!isFinished(job.status)) {
    const texts = parts.map((p) => p.text?.trim()).filter(Boolean);
    return texts.length ? texts.join(" ") : null;
  }
  return job.status === "completed" && !reloaded ? (job.result?.content ?? null) : null;
}

export default function EntryView({ id, me }: Props) {
  const [node, setNode] = useState<NodeDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState<Gone | null>(null);
  // A job started earlier (in another tab, or before a reload) that has not finished well.
  const [replyTask, setReplyTask] = useFollowedJob(() => latestReplyJob(id), me ? id : null);
  const hasRecording = !!node?.audio_original_url;
  const [transcriptionTask, setTranscriptionTask] = useFollowedJob(
    () => latestTranscriptionJob(id),
    hasRecording && me ? id : null,
    UNFINISHED,
  );
  const transcription = useLiveJob(transcriptionTask);
  const [reloadedAfter, setReloadedAfter] = useState<string | null>(null);

  const show = useCallback((data: NodeDetail) => {
    rememberParents(data);
    setNode(data);
  }, []);

  const load = useCallback(() =>
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
    ), [id, show]);

  useEffect(() => {
    void load();
  }, [load]);

  // The events after the page's last one are gone: what is shown may be out of date.
  useEvents((signal) => {
    if (signal.type === "reset") void load();
  });

  if (gone) return <EntryGone deleted={gone.deleted} parentId={gone.parentId} visitor={!me} />;
  if (!node) {
    return (
      <main className="page">
        {error ? <ErrorMessage message={error} /> : <p className="muted">Loading…</p>}
      </main>
    );
  }

  const deleted = () => navigate(node.parent_id ? `/node/${node.parent_id}` : "/");
  const isAuthor = node.user_id === me?.id;
  const transcribed = (taskId: string) => load().then(() => setReloadedAfter(taskId));

  return (
    <main className="page entry-page">
      {/* The page's title for screen readers; sighted readers see the thread itself. */}
      <h1 className="visually-hidden">{node.author ? `Entry by ${node.author}` : "Entry"}</h1>
      <Conversation id={node.id} />
      <ErrorMessage message={error} />
      <EntryCard
        node={node}
        liveContent={transcriptShown(transcription, reloadedAfter === transcriptionTask)}
        isAuthor={isAuthor}
        onSaved={show}
        onDeleted={deleted}
      />
      {node.audio_original_url && (
        <VoicePanel
          node={node}
          taskId={transcriptionTask}
          onTranscribed={(job) => transcribed(job.task_id)}
          onRetried={setTranscriptionTask}
        />
      )}
      {me && !node.deleted && (
        <div className="tools card">
          <AskAI
            nodeId={node.id}
            taskId={replyTask}
            onStarted={setReplyTask}
            onReply={load}
            keptFromAI={node.ai_excluded ? keptFromAINote(isAuthor) : undefined}
          />
          {!node.audio_original_url && <ReadAloud nodeId={node.id} />}
        </div>
      )}
      <Replies
        nodes={node.children}
        more={{ parentId: node.id, total: node.children_count, next: node.children_next }}
        writing={replyTask}
        privacy={node.privacy}
      />
      {me ? (
        <Composer parentId={node.id} onCreated={load} placeholder="Write a reply…" submitLabel="Reply" />
      ) : (
        <p className="notice visitor-invite">
          <a href={href.signup}>Create an account</a> to write your own journal and reply, or <a href={href.login}>log in</a>.
        </p>
      )}
    </main>
  );
}
