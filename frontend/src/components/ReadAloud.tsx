// Read an entry aloud: plays at once when the audio exists, else follows the speech job.
import { useState } from "react";
import { call } from "../api";
import { useAction } from "../hooks/useAction";
import type { Job } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";

interface TtsAnswer {
  tts_url?: string;
  task_id?: string;
}

export default function ReadAloud({ nodeId }: { nodeId: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const request = async () => {
    await run(async () => {
      const answer = await call<TtsAnswer>("POST", `/api/nodes/${nodeId}/tts`, {});
      if (answer.data.tts_url) {
        setTaskId(null);
        setUrl(answer.data.tts_url);
      } else if (answer.data.task_id) {
        setUrl(null);
        setTaskId(answer.data.task_id);
      }
    });
  };

  const completed = (job: Job) => {
    if (typeof job.tts_url === "string") setUrl(job.tts_url);
  };

  return (
    <section className="tool" aria-label="Read aloud">
      <div className="row">
        <button type="button" className="secondary" onClick={request} disabled={busy}>
          ▶ Read aloud
        </button>
      </div>
      <ErrorMessage message={error} />
      {taskId && (
        <JobProgress
          key={taskId}
          taskId={taskId}
          label="Reading aloud"
          statusUrl={() => `/api/nodes/${nodeId}/tts-status`}
          onCompleted={completed}
        />
      )}
      {url && <audio className="player" controls autoPlay src={url} aria-label="Entry read aloud" />}
    </section>
  );
}
