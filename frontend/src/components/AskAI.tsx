// Ask an AI model to reply to this entry, and follow the job until the reply appears. The reply
// itself is written into the replies as it comes (Replies, fed by the same job).
import { useState } from "react";
import { askAI } from "../api/nodes";
import { useAction } from "../hooks/useAction";
import { useModelChoice } from "../hooks/useModels";
import { href } from "../router";
import type { Job } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";
import ModelPicker from "./ModelPicker";

interface Props {
  nodeId: number;
  /** The reply job shown: one started here, or found running (EntryView follows it). */
  taskId: string | null;
  onStarted: (taskId: string) => void;
  onReply: () => void;
  /** Set when the entry is kept away from AI: why no model may be asked. */
  keptFromAI?: string;
}

export default function AskAI({ nodeId, taskId, onStarted, onReply, keptFromAI }: Props) {
  const { catalog, error: modelsError, model, setModel } = useModelChoice();
  const [replyId, setReplyId] = useState<number | null>(null);
  const { busy, error, run } = useAction();

  const ask = async () => {
    await run(async () => {
      const started = await askAI(nodeId, model || undefined);
      setReplyId(null);
      onStarted(started.task_id);
    });
  };

  const completed = (job: Job) => {
    if (job.kind === "llm_reply") setReplyId(job.result?.llm_node_id ?? null);
    onReply();
  };

  const noModel = catalog !== null && !catalog.models.some((m) => m.usable);

  if (keptFromAI) {
    return (
      <section className="tool" aria-label="Ask AI">
        <div className="row">
          <button type="button" disabled aria-describedby={`kept-from-ai-${nodeId}`}>
            Ask AI
          </button>
        </div>
        <p id={`kept-from-ai-${nodeId}`} className="muted kept-from-ai">
          {keptFromAI}
        </p>
      </section>
    );
  }

  return (
    <section className="tool" aria-label="Ask AI">
      <div className="row">
        <ModelPicker catalog={catalog} value={model} onChange={setModel} />
        <button type="button" onClick={ask} disabled={busy || !catalog || noModel}>
          Ask AI
        </button>
      </div>
      {noModel && <p className="muted">No AI model is set up on this server.</p>}
      <ErrorMessage message={modelsError} />
      <ErrorMessage message={error} />
      {taskId && (
        <JobProgress key={taskId} taskId={taskId} label="AI reply" onCompleted={completed} onRetried={onStarted}>
          <p className="job-done">
            The reply is below.{replyId !== null && <> <a href={href.node(replyId)}>Open it →</a></>}
          </p>
        </JobProgress>
      )}
    </section>
  );
}
