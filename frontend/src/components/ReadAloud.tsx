// Read an entry aloud: plays at once when the audio exists, else follows the speech job.
import { useState } from "react";
import { readAloud } from "../api/nodes";
import { useAction } from "../hooks/useAction";
import type { Job } from "../types";
import ErrorMessage from "./ErrorMessage";
import JobProgress from "./JobProgress";

export default function ReadAloud({ nodeId }: { nodeId: number }) {
  const [url, setUrl] = useState<string | null>(null);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  const request = async () => {
    await run(async () => {
      const answer = await readAloud(nodeId);
      if (answer.ready) {
        setTaskId(null);
        setUrl(answer.tts_url);
      } else {
        setUrl(null);
        setTaskId(answer.task_id);
      }
    });
  };

  const completed = (job: Job) => {
    if (job.kind === "tts" && job.result) setUrl(job.result.tts_url);
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
        <JobProgress key={taskId} taskId={taskId} label="Reading aloud" onCompleted={completed} />
      )}
      {url && <audio className="player" controls autoPlay src={url} aria-label="Entry read aloud" />}
    </section>
  );
}
