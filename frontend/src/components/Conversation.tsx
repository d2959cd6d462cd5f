// The thread above an entry read as a conversation: the path from the root down, each entry in
// full (long ones folded), AI replies among them, with the branches where the thread forks. A deep
// thread comes in parts: the newest ones first, earlier ones on demand.
import { useCallback, useEffect, useState } from "react";
import { messageOf } from "../api/client";
import { getThread } from "../api/threads";
import { useAction } from "../hooks/useAction";
import { useEvents } from "../hooks/useEvents";
import { href } from "../router";
import type { Conversation as Thread, HiddenNode, ThreadEntry } from "../types";
import AuthorLine from "./AuthorLine";
import RelativeTime from "./RelativeTime";
import BranchSwitch from "./BranchSwitch";
import ErrorMessage from "./ErrorMessage";
import LongText from "./LongText";

/** Entries asked for at a time, counted from the entry up. */
export const PART = 50;

const isHidden = (entry: ThreadEntry): entry is HiddenNode => "hidden" in entry && entry.hidden;

function ThreadItem({ entry }: { entry: ThreadEntry }) {
  if (isHidden(entry)) {
    return (
      <li className="thread-entry hidden-entry" data-node-id={entry.id}>
        <span className="muted">A private entry</span>
      </li>
    );
  }
  const ai = entry.node_type === "llm";
  return (
    <li className={ai ? "thread-entry thread-entry-ai" : "thread-entry"} data-node-id={entry.id}>
      <header className="thread-entry-head">
        <a href={href.node(entry.id)} className="thread-open" title="Open this entry">
          <AuthorLine
            author={entry.author}
            model={"llm_model" in entry ? entry.llm_model : null}
            nodeType={entry.node_type}
            privacy={"privacy" in entry ? entry.privacy : undefined}
          />
          <RelativeTime className="muted" iso={entry.created_at} />
        </a>
        <BranchSwitch siblings={entry.siblings} />
      </header>
      {"content" in entry && !entry.deleted ? (
        <LongText className="thread-text" text={entry.content} />
      ) : (
        <p className="thread-text deleted">This entry was deleted.</p>
      )}
    </li>
  );
}

export default function Conversation({ id }: { id: number }) {
  const [thread, setThread] = useState<Thread | null>(null);
  const [error, setError] = useState<string | null>(null);
  const earlier = useAction();

  const load = useCallback(
    () =>
      getThread(id, { limit: PART }).then(
        (answer) => {
          setThread(answer);
          setError(null);
        },
        (err) => setError(messageOf(err)),
      ),
    [id],
  );

  useEffect(() => {
    void load();
  }, [load]);

  useEvents((signal) => {
    if (signal.type === "reset") void load();
  });

  const showEarlier = () =>
    earlier.run(async () => {
      if (!thread?.earlier) return;
      const above = await getThread(id, { limit: PART, before: thread.earlier });
      setThread({ ...thread, has_earlier: above.has_earlier, earlier: above.earlier, entries: [...above.entries, ...thread.entries] });
    });

  if (!thread) return <ErrorMessage message={error} />;
  const above = thread.entries.slice(0, -1); // the last is the entry itself, shown below
  const self = thread.entries[thread.entries.length - 1];
  const hidden = thread.depth - thread.entries.length;
  const branches = self && !isHidden(self) ? self.siblings : null;
  if (above.length === 0 && !(branches && branches.ids.length > 1)) return null;

  return (
    <section className="thread" aria-label="Thread">
      {thread.has_earlier && (
        <button type="button" className="secondary small show-earlier" onClick={showEarlier} disabled={earlier.busy}>
          {earlier.busy ? "Loading…" : `Show earlier (${hidden} more)`}
        </button>
      )}
      <ErrorMessage message={earlier.error} />
      <ol className="thread-path">
        {above.map((entry) => (
          <ThreadItem key={entry.id} entry={entry} />
        ))}
      </ol>
      {branches && <BranchSwitch siblings={branches} label="Branches of this entry" />}
    </section>
  );
}
